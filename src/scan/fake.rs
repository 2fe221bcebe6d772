//! Example templates: how the catalogue and the fixtures write secrets without holding any.
//!
//! `{CLASS:N}` becomes N random characters of CLASS, and `{TEXT}` becomes TEXT, so that a vendor
//! prefix can be split (`{ghp}_{alnum:36}`) and no file in this repository has the shape of a live
//! credential. Classes: `upper`, `lower`, `digit`, `alnum`, `upalnum`, `hex`, `HEX`, `b64`, `b64url`,
//! `b32`. Anything else in braces (with spaces, dots, `$`) is literal text.

/// A small deterministic generator (xorshift*), so that a test failure can be reproduced.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

fn class(name: &str) -> Option<&'static str> {
    Some(match name {
        "upper" => "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "lower" => "abcdefghijklmnopqrstuvwxyz",
        "digit" => "0123456789",
        "alnum" => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        "upalnum" => "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
        "hex" => "0123456789abcdef",
        "HEX" => "0123456789ABCDEF",
        "b64" => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
        "b64url" => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
        "b32" => "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
        _ => return None,
    })
}

/// Expand a template with `rng`.
pub fn expand(template: &str, rng: &mut Rng) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let inner = &after[..close];
        let simple = !inner.is_empty()
            && inner
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == ':');
        match inner.split_once(':') {
            Some((name, n)) if simple => match (class(name), n.parse::<usize>()) {
                (Some(chars), Ok(n)) => {
                    let chars = chars.as_bytes();
                    for _ in 0..n {
                        out.push(chars[rng.below(chars.len())] as char);
                    }
                }
                _ => {
                    out.push('{');
                    out.push_str(inner);
                    out.push('}');
                }
            },
            None if simple => out.push_str(inner),
            _ => {
                // a literal brace: keep it and look for templates right after it
                out.push('{');
                rest = after;
                continue;
            }
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// A fake secret for `detector` (its first match example, expanded), or `None` for an unknown id.
/// The value is what the secret group of the detector captures when it is found in that example.
pub fn secret_for(detector: &str, rng: &mut Rng) -> Option<String> {
    let d = super::catalogue::CATALOGUE
        .iter()
        .find(|d| d.id == detector)?;
    let example = expand(d.matches.first()?, rng);
    let re = d.regex()?;
    let caps = re.captures(example.as_bytes())?;
    let whole = caps.get(0)?;
    let text = String::from_utf8_lossy(whole.as_bytes());
    // A key block is used whole (its header makes it a key); otherwise the token of the example that
    // holds the secret (a URL with its password, a token without the assignment around it).
    if text.contains("-----BEGIN") || text.contains("PuTTY-User-Key-File") {
        return Some(text.trim_start_matches(|c: char| c != '-').to_string());
    }
    let m = caps.get(d.secret_group).unwrap_or(whole);
    let stop = |c: u8| {
        c.is_ascii_whitespace() || matches!(c, b'"' | b'\'' | b'=' | b'(' | b')' | b',' | b'`')
    };
    let bytes = example.as_bytes();
    let mut start = m.start();
    while start > 0 && !stop(bytes[start - 1]) {
        start -= 1;
    }
    let mut end = m.end();
    while end < bytes.len() && !stop(bytes[end]) {
        end += 1;
    }
    Some(example[start..end].to_string())
}

/// Replace every `{{fake:DETECTOR}}` in `text` with a fake secret of that detector.
pub fn fill(text: &str, rng: &mut Rng) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("{{fake:") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 7..];
        let end = after
            .find("}}")
            .ok_or_else(|| "unclosed {{fake:…}}".to_string())?;
        let id = &after[..end];
        let value = match id {
            "nhs-number" => nhs_number(rng, ""),
            "nhs-number-spaced" => nhs_number(rng, " "),
            "nhs-number-dashed" => nhs_number(rng, "-"),
            _ => secret_for(id, rng).ok_or_else(|| format!("no detector {id:?}"))?,
        };
        out.push_str(&value);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// A random NHS number with a valid check digit, beginning 4 or 6 as numbers issued in England do,
/// made at test time so that no number that could be a patient's is stored; `sep` goes between
/// its 3-3-4 groups.
pub fn nhs_number(rng: &mut Rng, sep: &str) -> String {
    loop {
        let mut d = [0u8; 10];
        d[0] = if rng.below(2) == 0 { 4 } else { 6 };
        for x in d.iter_mut().take(9).skip(1) {
            *x = rng.below(10) as u8;
        }
        let sum: u32 = (0..9).map(|i| u32::from(d[i]) * (10 - i as u32)).sum();
        let check = match 11 - sum % 11 {
            11 => 0,
            10 => continue,
            c => c,
        };
        d[9] = check as u8;
        let s: String = d.iter().map(|x| char::from(b'0' + x)).collect();
        return format!("{}{sep}{}{sep}{}", &s[..3], &s[3..6], &s[6..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_expand_classes_and_literals_and_keep_other_braces() {
        let mut rng = Rng::new(1);
        let s = expand("{ghp}_{alnum:36}", &mut rng);
        assert!(s.starts_with("ghp_") && s.len() == 40, "{s}");
        let s = expand("token: ${{ secrets.X }} {{ password }}", &mut rng);
        assert_eq!(s, "token: ${{ secrets.X }} {{ password }}");
        let s = expand("{ \"key\": \"{lower:4}\" }", &mut rng);
        assert!(
            s.starts_with("{ \"key\": \"") && !s.contains("lower"),
            "{s}"
        );
        let s = expand("{hex:8}-{HEX:4}", &mut rng);
        assert!(s[..8]
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_eq!(&s[8..9], "-");
    }
}
