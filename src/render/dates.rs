//! Dates as readers read them: `2026-03-11` becomes `11 March 2026` in the
//! site's language, for the `date_long` template filter. Front matter keeps
//! ISO 8601 (templates still print it in `datetime`); only the words shown
//! change with the language.

/// How one language writes a date in full.
struct LongDates {
    /// January to December.
    months: [&'static str; 12],
    /// Where the parts go: `{day}`, `{month}` and `{year}`.
    pattern: &'static str,
}

const ENGLISH: LongDates = LongDates {
    months: [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    pattern: "{day} {month} {year}",
};

const SPANISH: LongDates = LongDates {
    months: [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
    pattern: "{day} de {month} de {year}",
};

/// The languages with their own words, by primary language subtag: add a
/// line here (and a table above) for each new language.
const LANGUAGES: &[(&str, &LongDates)] = &[("en", &ENGLISH), ("es", &SPANISH)];

/// The words for a BCP 47 tag, by its primary language (`en-GB` → `en`).
/// Languages without a table yet are written in English, so a template
/// never fails for want of one.
fn long_dates(language: &str) -> &'static LongDates {
    let primary = language.split(['-', '_']).next().unwrap_or_default();
    LANGUAGES
        .iter()
        .find(|(tag, _)| tag.eq_ignore_ascii_case(primary))
        .map_or(&ENGLISH, |(_, words)| *words)
}

/// `iso` (`2026-03-11`, or a date and time such as `2026-03-11T09:30:00Z`,
/// whose date is taken as written) in full words of `language`:
/// `11 March 2026`. An error says what was given and what is expected.
pub fn long_date(iso: &str, language: &str) -> Result<String, String> {
    let day_part = iso.split(['T', 't', ' ']).next().unwrap_or_default();
    let date: jiff::civil::Date = day_part.parse().map_err(|_| {
        format!("`{iso}` is not an ISO 8601 date: write it as YYYY-MM-DD, such as 2026-03-11")
    })?;
    let words = long_dates(language);
    let month = words.months[usize::from(date.month().unsigned_abs()) - 1];
    Ok(words
        .pattern
        .replace("{day}", &date.day().to_string())
        .replace("{month}", month)
        .replace("{year}", &date.year().to_string()))
}

#[cfg(test)]
mod tests {
    use super::long_date;

    #[test]
    fn spanish_dates_are_written_in_spanish() {
        assert_eq!(long_date("2026-03-01", "es").unwrap(), "1 de marzo de 2026");
        assert_eq!(
            long_date("2026-12-24", "es-MX").unwrap(),
            "24 de diciembre de 2026"
        );
    }

    #[test]
    fn a_date_is_written_in_full_in_english() {
        assert_eq!(long_date("2026-03-11", "en").unwrap(), "11 March 2026");
        assert_eq!(long_date("2026-01-01", "en-GB").unwrap(), "1 January 2026");
        assert_eq!(long_date("2025-12-31", "en").unwrap(), "31 December 2025");
    }

    #[test]
    fn a_date_and_time_shows_its_date_as_written() {
        assert_eq!(
            long_date("2026-02-14T09:30:00Z", "en").unwrap(),
            "14 February 2026"
        );
        assert_eq!(
            long_date("2026-02-14T23:30:00-05:00", "en").unwrap(),
            "14 February 2026"
        );
    }

    #[test]
    fn a_language_without_a_table_is_written_in_english() {
        assert_eq!(long_date("2026-07-04", "xx").unwrap(), "4 July 2026");
    }

    #[test]
    fn what_is_not_a_date_is_an_error_that_quotes_it() {
        for bad in ["2026-13-01", "2026-02-30", "11/03/2026", "", "soon"] {
            let err = long_date(bad, "en").unwrap_err();
            assert!(err.contains(&format!("`{bad}`")), "{bad}: {err}");
            assert!(err.contains("YYYY-MM-DD"), "{bad}: {err}");
        }
    }
}
