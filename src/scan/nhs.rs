//! NHS numbers: ten digits whose last is the modulus-11 check digit of the first nine, weighed by
//! context so that timestamps, order ids and phone numbers do not fail a run.
//!
//! A valid number is reported
//! - at the rule's level when the words around it say it is an NHS number (a column named for it, or
//!   "NHS", "patient", "CHI" on its line or the line before);
//! - as a warning when nothing says so but it is written the way NHS numbers are (3-3-4, spaced) and
//!   begins with a digit NHS England and Wales issue (4, 6 or 7);
//! - as information when it is in the 999 range, which is set aside for testing;
//! - not at all otherwise: one ten-digit number in eleven passes the check by chance.

use crate::finding::Level;

/// Whether ten digits carry a valid modulus-11 check digit.
pub fn valid(digits: &[u8; 10]) -> bool {
    let sum: u32 = digits[..9]
        .iter()
        .enumerate()
        .map(|(i, d)| u32::from(*d) * (10 - i as u32))
        .sum();
    let check = match 11 - (sum % 11) {
        11 => 0,
        10 => return false,
        c => c,
    };
    check == u32::from(digits[9])
}

/// A number found, with the level it deserves (`None`: the rule's own).
pub struct Candidate {
    pub start: usize,
    pub end: usize,
    pub digits: [u8; 10],
    pub level: Option<Level>,
    pub why: &'static str,
}

const CONTEXT: &[&[u8]] = &[b"nhs", b"patient", b"chi_", b"chi no", b"chi number"];

fn has_context(line: &[u8]) -> bool {
    let lower = line.to_ascii_lowercase();
    CONTEXT
        .iter()
        .any(|w| lower.windows(w.len()).any(|x| x == *w))
}

/// Every NHS number in `text` worth reporting. `header` is the first line of a delimited data file
/// (CSV/TSV), whose column names count as context for every row.
pub fn find(text: &[u8], header: Option<&[u8]>) -> Vec<Candidate> {
    let mut out = Vec::new();
    let header_context = header.is_some_and(has_context);
    let mut line_start = 0;
    let mut prev_line: &[u8] = b"";
    for line in text.split_inclusive(|b| *b == b'\n') {
        if line.iter().filter(|b| b.is_ascii_digit()).count() >= 10 {
            scan_line(
                line,
                line_start,
                header_context || has_context(line) || has_context(prev_line),
                &mut out,
            );
        }
        line_start += line.len();
        prev_line = line;
    }
    out
}

fn scan_line(line: &[u8], offset: usize, context: bool, out: &mut Vec<Candidate>) {
    let n = line.len();
    let mut i = 0;
    while i < n {
        if !line[i].is_ascii_digit() || (i > 0 && is_joined(line[i - 1])) {
            i += 1;
            continue;
        }
        // ten digits, plain or as 3-3-4 with one kind of separator
        let mut digits = [0u8; 10];
        let mut j = i;
        let mut k = 0;
        let mut sep: Option<u8> = None;
        let mut ok = true;
        while k < 10 {
            if j >= n {
                ok = false;
                break;
            }
            let c = line[j];
            if c.is_ascii_digit() {
                digits[k] = c - b'0';
                k += 1;
                j += 1;
                if (k == 3 || k == 6) && j < n && (line[j] == b' ' || line[j] == b'-') {
                    match sep {
                        None if k == 3 => sep = Some(line[j]),
                        Some(s) if s == line[j] => {}
                        _ => {
                            ok = false;
                            break;
                        }
                    }
                    j += 1;
                }
            } else {
                ok = false;
                break;
            }
        }
        // a separator must appear at both places or neither
        let spaced_ok = match sep {
            None => true,
            Some(s) => j - i == 12 && line[i + 3] == s && line[i + 7] == s,
        };
        // a full stop ends a sentence unless a digit follows (a decimal)
        let joined_after = j < n && is_joined(line[j]) && {
            let sentence_end = line[j] == b'.' && !line.get(j + 1).is_some_and(u8::is_ascii_digit);
            !sentence_end
        };
        if !ok || !spaced_ok || joined_after {
            // skip this run of digits
            while i < n && line[i].is_ascii_digit() {
                i += 1;
            }
            continue;
        }
        if valid(&digits) {
            let test_range = digits[..3] == [9, 9, 9];
            let issued_prefix = matches!(digits[0], 4 | 6 | 7);
            let level_why = if test_range {
                Some((Some(Level::Info), "in the 999 test range"))
            } else if context {
                Some((None, "valid check digit, with NHS-number context"))
            } else if sep == Some(b' ') && issued_prefix {
                Some((
                    Some(Level::Warning),
                    "valid check digit, written 3-3-4 (no NHS-number context)",
                ))
            } else {
                None
            };
            if let Some((level, why)) = level_why {
                out.push(Candidate {
                    start: offset + i,
                    end: offset + j,
                    digits,
                    level,
                    why,
                });
            }
        }
        i = j;
    }
}

/// Characters that make a digit run part of a longer token (an id, a decimal, a hex string).
fn is_joined(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'.' || c == b'_' || c == b'/'
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A valid number made here from nine digits, so that no whole NHS number is in the source.
    fn n(nine: &str, sep: &str) -> String {
        let d: Vec<u32> = nine.bytes().map(|b| u32::from(b - b'0')).collect();
        let sum: u32 = (0..9).map(|i| d[i] * (10 - i as u32)).sum();
        let check = (11 - sum % 11) % 11;
        assert!(check != 10, "no valid number begins {nine}");
        format!(
            "{}{sep}{}{sep}{}{check}",
            &nine[..3],
            &nine[3..6],
            &nine[6..]
        )
    }

    fn find_in(text: String, header: Option<&[u8]>) -> Vec<Candidate> {
        find(text.as_bytes(), header)
    }

    fn digits(s: &str) -> [u8; 10] {
        let v: Vec<u8> = s
            .bytes()
            .filter(u8::is_ascii_digit)
            .map(|b| b - b'0')
            .collect();
        v.try_into().unwrap()
    }

    #[test]
    fn the_check_digit_is_modulus_11() {
        // the worked example of the NHS Data Dictionary (943 476 591, check digit 9)
        let example = n("943476591", "");
        assert!(valid(&digits(&example)));
        let mut wrong = example.clone();
        wrong.pop();
        wrong.push(if example.ends_with('8') { '9' } else { '8' });
        assert!(!valid(&digits(&wrong)));
        // a remainder of 1 (check digit 10) makes no valid number
        assert!(!valid(&digits("0000000010")));
    }

    #[test]
    fn context_decides_the_level() {
        let with = find_in(format!("patient_nhs_no = {}\n", n("401023213", "")), None);
        assert_eq!(with.len(), 1);
        assert_eq!(with[0].level, None);
        // the same number with no context and no spacing is not reported
        assert!(find_in(format!("order = {}\n", n("401023213", "")), None).is_empty());
        // spaced 3-3-4 with an issued prefix: a warning
        let spaced = find_in(format!("ref {}\n", n("401023213", " ")), None);
        assert_eq!(spaced[0].level, Some(Level::Warning));
        // test range: info, whatever the context
        let test = find_in(format!("nhs_number,{}\n", n("999100001", "")), None);
        assert_eq!(test[0].level, Some(Level::Info));
        // a column header is context for every row
        let rows = find_in(
            format!("{},x\n", n("401023213", "")),
            Some(b"id,nhs_number\n"),
        );
        assert_eq!(rows[0].level, None);
    }

    #[test]
    fn longer_numbers_decimals_and_mixed_separators_are_not_numbers() {
        assert!(find_in(format!("nhs {}0\n", n("401023213", "")), None).is_empty());
        assert!(find_in(format!("nhs 1.{}\n", n("401023213", "")), None).is_empty());
        assert!(find_in(format!("nhs 401-023 {}\n", &n("401023213", "")[6..]), None).is_empty());
        assert!(find_in(format!("nhs id_{}\n", n("401023213", "")), None).is_empty());
        assert_eq!(
            find_in(format!("nhs: {}.\n", n("401023213", "-")), None).len(),
            1
        );
    }
}
