//! An email's subject line: the first line of an email script's message,
//! written after the language's word for it and a colon (`Subject: …` in
//! English, `Asunto: …` in Spanish, `Objet : …` in French:
//! `[languages.<tag>] subject`). The page
//! shows the subject apart and leaves it out of the text that is copied;
//! its JavaScript finds it where this module did (the script's data says
//! which messages have one).

/// The spaces a language may put between a word and its colon (French
/// writes `Objet : …`, with a space or a narrow no-break space).
const BEFORE_COLON: [char; 3] = [' ', '\u{a0}', '\u{202f}'];

/// Splits a message's leading subject line from the rest of it (the rest
/// without the blank lines that follow the subject). `word` is the
/// language's word for a subject ([`crate::config::Language::subject`]):
/// the line is `word`, a colon (with the spaces some languages put before
/// one), then the subject.
pub fn split_subject<'t>(text: &'t str, word: &str) -> (Option<&'t str>, &'t str) {
    let Some(rest) = after_word(text, word) else {
        return (None, text);
    };
    let (subject, body) = rest.split_once('\n').unwrap_or((rest, ""));
    let body = body.trim_start_matches(['\r', '\n']);
    (Some(subject.trim()), body)
}

/// `text` with its subject line, if it has one in the word `from`, written
/// in the word `to` instead (`Subject: Hi` → `Asunto: Hi`), the rest as it
/// was: what a new translation starts from.
pub fn reword_subject(text: &str, from: &str, to: &str) -> String {
    match after_word(text, from) {
        Some(rest) if from != to => format!("{to}:{rest}"),
        _ => text.to_string(),
    }
}

/// What follows `word` and its colon at the start of `text`, if it starts so.
fn after_word<'t>(text: &'t str, word: &str) -> Option<&'t str> {
    text.strip_prefix(word)
        .map(|r| r.trim_start_matches(BEFORE_COLON))
        .and_then(|r| r.strip_prefix(':'))
}

#[cfg(test)]
mod tests {
    use super::{reword_subject, split_subject};

    #[test]
    fn a_subject_line_is_reworded_into_another_languages_word() {
        assert_eq!(
            reword_subject("Subject: Hi\n\nHello.", "Subject", "Asunto"),
            "Asunto: Hi\n\nHello."
        );
        assert_eq!(
            reword_subject("Objet : Salut\nX", "Objet", "Subject"),
            "Subject: Salut\nX"
        );
        // No subject line, or one in another word: as it was.
        assert_eq!(
            reword_subject("Hello.\nSubject: x", "Subject", "Asunto"),
            "Hello.\nSubject: x"
        );
        assert_eq!(
            reword_subject("Asunto: ya", "Subject", "Asunto"),
            "Asunto: ya"
        );
    }

    #[test]
    fn the_subject_line_is_split_off_in_the_languages_word() {
        assert_eq!(
            split_subject("Subject: It's been a while\n\nHi Priya.", "Subject"),
            (Some("It's been a while"), "Hi Priya.")
        );
        assert_eq!(
            split_subject("Asunto: Cuánto tiempo\r\n\r\nHola, Lucía:", "Asunto"),
            (Some("Cuánto tiempo"), "Hola, Lucía:")
        );
        assert_eq!(split_subject("Asunto:", "Asunto"), (Some(""), ""));
        assert_eq!(
            split_subject("Objet\u{202f}: Bonjour\nSalut.", "Objet"),
            (Some("Bonjour"), "Salut.")
        );
    }

    #[test]
    fn another_languages_word_or_a_word_elsewhere_is_no_subject() {
        let spanish = "Asunto: Cuánto tiempo\nHola.";
        assert_eq!(split_subject(spanish, "Subject"), (None, spanish));
        let english = "Subject: Hello\nHi.";
        assert_eq!(split_subject(english, "Asunto"), (None, english));
        // Only the first line, and only with its colon.
        let later = "Hola.\nAsunto: nada";
        assert_eq!(split_subject(later, "Asunto"), (None, later));
        let no_colon = "Asuntos pendientes\nHola.";
        assert_eq!(split_subject(no_colon, "Asunto"), (None, no_colon));
    }
}
