//! Finding things by what people type: the words of a query, the database
//! queries made of them, and how well a name matches.
//!
//! A word of the query matches a word of a name when it is the start of it
//! ("quarter" finds "Quartermaster"); every word must match. Punctuation
//! separates words on both sides (`2.4` matches `2.4.0`: `2` and `4`). The
//! databases find the candidates through their full-text indexes (SQLite
//! FTS5, PostgreSQL `tsvector`); [`score`] orders them the same way on both.
//! The command palette ranks its own actions with [`fuzzy`] (letters in
//! order: "gdash" finds "Go to dashboard").

/// The most words of a query that count (the rest are ignored).
pub const MAX_WORDS: usize = 8;

/// The longest query accepted, in characters.
pub const MAX_QUERY: usize = 200;

/// The words of `text`, lower-cased: runs of letters and digits.
pub fn words(text: &str) -> Vec<String> {
    // Lower-casing can add marks (`İ` → `i̇`): only letters and digits stay.
    text.split(|c: char| !c.is_alphanumeric())
        .map(|w| {
            w.to_lowercase()
                .chars()
                .filter(|c| c.is_alphanumeric())
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// The words of a query (at most [`MAX_WORDS`], duplicates dropped).
pub fn query_words(q: &str) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    for w in words(q) {
        if !out.contains(&w) {
            out.push(w);
        }
        if out.len() == MAX_WORDS {
            break;
        }
    }
    out
}

/// The SQLite FTS5 query of `words`: each a quoted prefix, all required.
/// Words hold only letters and digits, so quoting cannot be escaped.
pub fn fts5_query(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("\"{w}\"*"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The PostgreSQL `to_tsquery('simple', …)` text of `words`: each a
/// prefix, all required.
pub fn pg_tsquery(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("{w}:*"))
        .collect::<Vec<_>>()
        .join(" & ")
}

/// How well `name` matches the query `words`: `None` unless every word
/// starts a word of `name`; higher is better (whole words beat prefixes,
/// a name that starts with the first word beats one that has it later,
/// and a shorter name beats a longer one with the same matches).
pub fn score(words_of_query: &[String], name: &str) -> Option<u32> {
    if words_of_query.is_empty() {
        return None;
    }
    let have = words(name);
    let mut total = 0u32;
    for q in words_of_query {
        let best = have
            .iter()
            .map(|w| {
                if w == q {
                    30
                } else if w.starts_with(q.as_str()) {
                    20
                } else {
                    0
                }
            })
            .max()
            .unwrap_or(0);
        if best == 0 {
            return None;
        }
        total += best;
    }
    if have
        .first()
        .is_some_and(|w| w.starts_with(words_of_query[0].as_str()))
    {
        total += 10;
    }
    // Fewer other words: a closer match.
    let extra = have.len().saturating_sub(words_of_query.len()).min(9) as u32;
    Some(total * 10 + (9 - extra))
}

/// A looser match for short lists (the palette's actions): the letters of
/// `q` appear in `text` in order, case-insensitively. Higher is better:
/// letters that start words or follow each other count more. `None` when
/// they do not all appear.
pub fn fuzzy(q: &str, text: &str) -> Option<u32> {
    let q: Vec<char> = q
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    if q.is_empty() {
        return Some(0);
    }
    let t: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
    let mut score = 0u32;
    let mut qi = 0;
    let mut prev: Option<usize> = None;
    for (i, c) in t.iter().enumerate() {
        if qi < q.len() && *c == q[qi] {
            let starts_word = i == 0 || !t[i - 1].is_alphanumeric();
            score += 1;
            if starts_word {
                score += 3;
            }
            if prev.is_some_and(|p| p + 1 == i) {
                score += 2;
            }
            prev = Some(i);
            qi += 1;
        }
    }
    (qi == q.len()).then_some(score)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn w(q: &str) -> Vec<String> {
        query_words(q)
    }

    #[test]
    fn a_word_matches_the_start_of_a_word() {
        assert!(score(&w("quarter"), "Quartermaster rollout").is_some());
        assert!(score(&w("master"), "Quartermaster rollout").is_none());
        assert!(score(&w("2.4"), "Checkout 2.4.0").is_some());
        assert!(score(&w("checkout 3"), "Checkout 2.4.0").is_none());
        assert!(score(&w(""), "anything").is_none());
    }

    #[test]
    fn closer_names_rank_higher() {
        let q = w("pay");
        let exact = score(&q, "Pay").unwrap();
        let first = score(&q, "Payments API").unwrap();
        let later = score(&q, "Checkout payments").unwrap();
        assert!(exact > first && first > later, "{exact} {first} {later}");
    }

    #[test]
    fn queries_for_the_databases_hold_only_words() {
        let q = w("Pay\" OR *  2.4 -x");
        assert_eq!(q, ["pay", "or", "2", "4", "x"]);
        assert_eq!(fts5_query(&q[..2]), "\"pay\"* \"or\"*");
        assert_eq!(pg_tsquery(&q[..2]), "pay:* & or:*");
        assert_eq!(w("a b c d e f g h i j").len(), MAX_WORDS);
    }

    #[test]
    fn fuzzy_finds_letters_in_order() {
        assert!(fuzzy("gdash", "Go to dashboard").is_some());
        assert!(fuzzy("nr", "New release").unwrap() > fuzzy("nr", "Go to sprints").unwrap_or(0));
        assert!(fuzzy("zz", "New release").is_none());
    }

    proptest! {
        /// Whatever is typed, the database queries are made of letters,
        /// digits and their own syntax only.
        #[test]
        fn database_queries_cannot_be_escaped(q in ".{0,60}") {
            let words = query_words(&q);
            let fts = fts5_query(&words);
            let pg = pg_tsquery(&words);
            prop_assert!(fts.chars().all(|c| c.is_alphanumeric() || c == '"' || c == '*' || c == ' '));
            prop_assert!(pg.chars().all(|c| c.is_alphanumeric() || c == ':' || c == '*' || c == '&' || c == ' '));
        }

        /// A name always matches a query made of its own words.
        #[test]
        fn a_name_matches_its_own_words(name in "[a-zA-Z0-9 .-]{1,40}") {
            let q = query_words(&name);
            prop_assume!(!q.is_empty());
            prop_assert!(score(&q, &name).is_some());
        }
    }
}
