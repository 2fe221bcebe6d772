//! Just enough of the .xlsx format to read the first row of the first worksheet: a zip archive's
//! central directory, deflate, shared strings and inline strings. Anything unexpected yields `None`
//! rather than an error, because a data file that cannot be read is reported by other rules.

const MAX_PART: usize = 64 << 20;

/// The cells of the first row of the first worksheet.
pub fn first_row(bytes: &[u8]) -> Option<Vec<String>> {
    let entries = central_directory(bytes)?;
    let sheet = entries
        .iter()
        .filter(|e| e.name.starts_with("xl/worksheets/") && e.name.ends_with(".xml"))
        .min_by_key(|e| (e.name != "xl/worksheets/sheet1.xml", e.name.clone()))?;
    let sheet_xml = String::from_utf8(extract(bytes, sheet)?).ok()?;
    let shared: Vec<String> = match entries.iter().find(|e| e.name == "xl/sharedStrings.xml") {
        Some(e) => shared_strings(&String::from_utf8(extract(bytes, e)?).ok()?),
        None => Vec::new(),
    };
    let row_start = sheet_xml.find("<row")?;
    let row_end = sheet_xml[row_start..]
        .find("</row>")
        .map(|i| row_start + i)?;
    let row = &sheet_xml[row_start..row_end];
    let mut cells = Vec::new();
    let mut rest = row;
    while let Some(i) = rest.find("<c ").or_else(|| rest.find("<c>")) {
        rest = &rest[i..];
        let tag_end = rest.find('>')?;
        let tag = &rest[..tag_end];
        if tag.ends_with('/') {
            rest = &rest[tag_end + 1..];
            continue;
        }
        let end = rest.find("</c>")?;
        let body = &rest[tag_end + 1..end];
        let value = if tag.contains("t=\"s\"") {
            inner(body, "v")
                .and_then(|v| v.trim().parse::<usize>().ok())
                .and_then(|i| shared.get(i).cloned())
        } else if tag.contains("t=\"inlineStr\"") {
            Some(texts(body))
        } else {
            inner(body, "v").map(unescape)
        };
        cells.push(value.unwrap_or_default());
        rest = &rest[end + 4..];
    }
    Some(cells)
}

struct Entry {
    name: String,
    method: u16,
    compressed: usize,
    local_offset: usize,
}

fn u16_at(b: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(i..i + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], i: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(i..i + 4)?.try_into().ok()?))
}

fn central_directory(b: &[u8]) -> Option<Vec<Entry>> {
    let min = b.len().saturating_sub(22 + 65535);
    let eocd = (min..=b.len().checked_sub(22)?)
        .rev()
        .find(|&i| u32_at(b, i) == Some(0x0605_4b50))?;
    let count = u16_at(b, eocd + 10)? as usize;
    let mut at = u32_at(b, eocd + 16)? as usize;
    let mut out = Vec::with_capacity(count.min(1024));
    for _ in 0..count {
        if u32_at(b, at)? != 0x0201_4b50 {
            return None;
        }
        let name_len = u16_at(b, at + 28)? as usize;
        let extra = u16_at(b, at + 30)? as usize;
        let comment = u16_at(b, at + 32)? as usize;
        out.push(Entry {
            method: u16_at(b, at + 10)?,
            compressed: u32_at(b, at + 20)? as usize,
            local_offset: u32_at(b, at + 42)? as usize,
            name: String::from_utf8_lossy(b.get(at + 46..at + 46 + name_len)?).into_owned(),
        });
        at += 46 + name_len + extra + comment;
    }
    Some(out)
}

fn extract(b: &[u8], e: &Entry) -> Option<Vec<u8>> {
    let l = e.local_offset;
    if u32_at(b, l)? != 0x0403_4b50 {
        return None;
    }
    let start = l + 30 + u16_at(b, l + 26)? as usize + u16_at(b, l + 28)? as usize;
    let data = b.get(start..start.checked_add(e.compressed)?)?;
    match e.method {
        0 => Some(data.to_vec()),
        8 => miniz_oxide::inflate::decompress_to_vec_with_limit(data, MAX_PART).ok(),
        _ => None,
    }
}

fn inner<'a>(s: &'a str, tag: &str) -> Option<&'a str> {
    let open = s.find(&format!("<{tag}"))?;
    let gt = open + s[open..].find('>')?;
    if s[..gt].ends_with('/') {
        return Some("");
    }
    let close = s[gt..].find(&format!("</{tag}>"))? + gt;
    Some(&s[gt + 1..close])
}

/// The concatenated `<t>` texts of a shared or inline string.
fn texts(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(t) = inner(rest, "t") {
        out.push_str(&unescape(t));
        let Some(i) = rest.find("</t>") else { break };
        rest = &rest[i + 4..];
    }
    out
}

fn shared_strings(xml: &str) -> Vec<String> {
    xml.split("<si>")
        .skip(1)
        .map(|si| texts(si.split("</si>").next().unwrap_or("")))
        .collect()
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A minimal stored (uncompressed) zip, enough to exercise the reader.
    pub fn zip(files: &[(&str, &str)]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for (name, body) in files {
            let offset = out.len() as u32;
            out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
            out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            out.extend_from_slice(&(body.len() as u32).to_le_bytes());
            out.extend_from_slice(&(body.len() as u32).to_le_bytes());
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(body.as_bytes());
            central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
            central.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            central.extend_from_slice(&(body.len() as u32).to_le_bytes());
            central.extend_from_slice(&(body.len() as u32).to_le_bytes());
            central.extend_from_slice(&(name.len() as u16).to_le_bytes());
            central.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(name.as_bytes());
        }
        let cd_offset = out.len() as u32;
        out.extend_from_slice(&central);
        out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        out.extend_from_slice(&[0, 0, 0, 0]);
        out.extend_from_slice(&(files.len() as u16).to_le_bytes());
        out.extend_from_slice(&(files.len() as u16).to_le_bytes());
        out.extend_from_slice(&(central.len() as u32).to_le_bytes());
        out.extend_from_slice(&cd_offset.to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out
    }

    #[test]
    fn reads_shared_and_inline_strings_of_the_first_row() {
        let book = zip(&[
            ("xl/sharedStrings.xml", "<sst><si><t>NHS_Number</t></si><si><r><t>Date of </t></r><r><t>Birth</t></r></si></sst>"),
            ("xl/worksheets/sheet1.xml", "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c><c r=\"C1\" t=\"inlineStr\"><is><t>post&amp;code</t></is></c></row><row r=\"2\"><c><v>1</v></c></row></sheetData></worksheet>"),
        ]);
        assert_eq!(
            first_row(&book).unwrap(),
            vec!["NHS_Number", "Date of Birth", "post&code"]
        );
        assert!(first_row(b"not a zip").is_none());
    }
}
