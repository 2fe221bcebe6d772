//! Writes the labelled corpus `bench/secrets.sh` scores scanners on: one file per sample, under
//! `positive/` (a fake but format-valid secret of one detector, in the contexts its examples give)
//! and `negative/` (decoys: documented fakes, placeholders, hashes, ids, near misses). Generated at
//! run time from the detector catalogue, so no secret is stored anywhere.
//!
//!     cargo run --release --example secret-corpus -- OUT_DIR [SEEDS]
use openready::scan::{catalogue::CATALOGUE, fake, Category};

const CONTEXTS: &[(&str, &str)] = &[
    ("py", "# settings\nimport os\n\n{}\n\nDEBUG = False\n"),
    ("yml", "service:\n  name: demo\n  # credentials\n  {}\n"),
    ("env", "APP_NAME=demo\n{}\nLOG_LEVEL=info\n"),
];

const DECOYS: &[&str] = &[
    "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "password = \"changeme\"",
    "DB_PASSWORD=${DB_PASSWORD}",
    "token: ${{ secrets.GITHUB_TOKEN }}",
    "api_key = os.environ[\"API_KEY\"]",
    "const token = process.env.TOKEN;",
    "password = \"<your-password>\"",
    "secret_key = settings.SECRET_KEY",
    "\"integrity\": \"sha512-{b64:86}==\"",
    "request_id = \"{hex:8}-{hex:4}-4{hex:3}-a{hex:3}-{hex:12}\"",
    "commit = \"{hex:40}\"",
    "sha256 = \"{hex:64}\"",
    "created_at = 1{digit:9}",
    "<img src=\"data:image/png;base64,{b64:200}\">",
    "version = \"1.2.3.4\"",
    "client_secret = \"\"",
    "token = get_token(user)",
    "password = request.form[\"password\"]",
    "private_key = load_key(path)",
];

fn main() {
    let mut args = std::env::args().skip(1);
    let out = std::path::PathBuf::from(args.next().expect("usage: secret-corpus OUT_DIR [SEEDS]"));
    let seeds: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(3);
    let (pos, neg) = (out.join("positive"), out.join("negative"));
    std::fs::create_dir_all(&pos).unwrap();
    std::fs::create_dir_all(&neg).unwrap();
    let (mut np, mut nn, mut ambiguous) = (0, 0, 0);
    for d in CATALOGUE.iter().filter(|d| d.category == Category::Secret) {
        for seed in 0..seeds {
            let mut rng = fake::Rng::new(seed * 1_000_003 + d.id.len() as u64);
            for (i, t) in d.matches.iter().enumerate() {
                let (ext, ctx) = CONTEXTS[(seed as usize + i) % CONTEXTS.len()];
                let text = ctx.replace("{}", &fake::expand(t, &mut rng));
                std::fs::write(pos.join(format!("{}-{seed}-{i}.{ext}", d.id)), text).unwrap();
                np += 1;
            }
            for (i, t) in d.no_match.iter().enumerate() {
                // A near miss of one format made of a long random value (a key one character
                // short, a token under another name) may well be a secret of another kind: such a
                // sample is neither clearly positive nor negative, and is left out of the score.
                if long_random(t) {
                    ambiguous += 1;
                    continue;
                }
                let (ext, ctx) = CONTEXTS[(seed as usize + i) % CONTEXTS.len()];
                let text = ctx.replace("{}", &fake::expand(t, &mut rng));
                std::fs::write(neg.join(format!("{}-{seed}-{i}.{ext}", d.id)), text).unwrap();
                nn += 1;
            }
        }
    }
    for seed in 0..seeds {
        let mut rng = fake::Rng::new(seed + 77);
        for (i, t) in DECOYS.iter().enumerate() {
            let (ext, ctx) = CONTEXTS[(seed as usize + i) % CONTEXTS.len()];
            let text = ctx.replace("{}", &fake::expand(t, &mut rng));
            std::fs::write(neg.join(format!("decoy-{seed}-{i}.{ext}")), text).unwrap();
            nn += 1;
        }
    }
    println!(
        "{np} positive and {nn} negative samples in {} ({ambiguous} ambiguous near misses left out)",
        out.display()
    );
}

/// Whether a template holds a random run of 16 characters or more.
fn long_random(template: &str) -> bool {
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        let after = &rest[i + 1..];
        let Some(end) = after.find('}') else { break };
        if let Some((_, n)) = after[..end].split_once(':') {
            if n.parse::<usize>().is_ok_and(|n| n >= 16) {
                return true;
            }
        }
        rest = &after[end..];
    }
    false
}
