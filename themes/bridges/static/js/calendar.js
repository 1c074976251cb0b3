// An iCalendar (RFC 5545) file of all-day events, made in the browser.
//
// The helper's plan uses it for its dated steps: the file is built as text
// and offered as a Blob download, so nothing is sent anywhere.

const encoder = new TextEncoder();

/** Escapes a TEXT value: backslash, semicolon, comma and line breaks. */
function escapeText(text) {
  return String(text)
    .replace(/\\/g, "\\\\")
    .replace(/;/g, "\\;")
    .replace(/,/g, "\\,")
    .replace(/\r?\n/g, "\\n");
}

/**
 * Folds a content line into lines of at most 75 octets, each continuation
 * starting with a space, never splitting a character's UTF-8 bytes.
 */
export function fold(line) {
  const parts = [];
  let current = "";
  let octets = 0;
  for (const character of line) {
    const size = encoder.encode(character).length;
    const room = parts.length ? 74 : 75; // a continuation's leading space counts
    if (octets + size > room) {
      parts.push(current);
      current = "";
      octets = 0;
    }
    current += character;
    octets += size;
  }
  parts.push(current);
  return parts.join("\r\n ");
}

/** `2026-03-02` → `20260302`. */
const basicDate = (iso) => iso.replaceAll("-", "");

/** The day after an ISO date, for an all-day event's DTEND. */
function nextDay(iso) {
  const date = new Date(`${iso}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

/** The current time as a UTC DATE-TIME: `20260302T091500Z`. */
function stamp(now) {
  return now.toISOString().replace(/[-:]/g, "").replace(/\.\d+/, "");
}

function uid(index, host) {
  const random = globalThis.crypto?.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  return `${random}-${index}@${host || "mending-bridges"}`;
}

/**
 * The calendar's text. `events` are `{ date: "YYYY-MM-DD", summary,
 * description, url }`; the description ends with the page's link.
 */
export function calendar(events, { name, host, now = new Date() } = {}) {
  const lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Mending Bridges//Where do I start//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"];
  if (name) lines.push(`X-WR-CALNAME:${escapeText(name)}`);
  events.forEach((event, index) => {
    lines.push(
      "BEGIN:VEVENT",
      `UID:${uid(index, host)}`,
      `DTSTAMP:${stamp(now)}`,
      `DTSTART;VALUE=DATE:${basicDate(event.date)}`,
      `DTEND;VALUE=DATE:${basicDate(nextDay(event.date))}`,
      `SUMMARY:${escapeText(event.summary)}`,
      `DESCRIPTION:${escapeText(event.url ? `${event.description}\n${event.url}` : event.description)}`,
    );
    if (event.url) lines.push(`URL:${event.url}`);
    lines.push("TRANSP:TRANSPARENT", "END:VEVENT");
  });
  lines.push("END:VCALENDAR");
  return lines.map(fold).join("\r\n") + "\r\n";
}
