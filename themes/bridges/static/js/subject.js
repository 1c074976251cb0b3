// An email's subject line, apart from its body.
//
// guide gives a message's `subject` in the script's data when the body's
// first line is a subject line in the words of the page's language
// (`Subject: …`, `Asunto: …`: site.toml's `[languages.<tag>] subject`), and
// null otherwise. So the page needs no word of its own: where there is a
// subject, the body is what follows its first line.

/**
 * `{ subject, body }` of a message of the script's data: the subject (the
 * message-language text after the colon, as guide found it) or null, and the
 * body without the subject line and the blank lines after it.
 */
export function splitSubject(message) {
  if (message.subject === null || message.subject === undefined) {
    return { subject: null, body: message.body };
  }
  const rest = message.body.replace(/^[^\n]*(?:\n|$)/, "");
  return { subject: message.subject, body: rest.replace(/^(?:\r?\n)+/, "") };
}
