//! `remote`: the `origin` remote is under one of the organisation's accounts.

use serde::Deserialize;

use crate::finding::{Finding, Outcome};
use crate::repo::Snapshot;

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    orgs: Vec<String>,
    #[serde(default = "github")]
    hosts: Vec<String>,
}

fn github() -> Vec<String> {
    vec!["github.com".into()]
}

pub fn run(p: &Params, snap: &Snapshot) -> Outcome {
    if !snap.is_git() {
        return Outcome::not_applicable("not a git repository");
    }
    let remotes = snap.remotes();
    let Some(remote) = remotes
        .iter()
        .find(|r| r.name == "origin")
        .or_else(|| remotes.first())
    else {
        return Outcome::not_applicable("no remote configured yet");
    };
    let shown = redact_userinfo(&remote.url);
    let Some((host, owner)) = host_and_owner(&remote.url) else {
        return Outcome::fail(
            format!(
                "remote {} ({shown}) is not a hosted repository URL",
                remote.name
            ),
            vec![Finding::general(format!("{} = {shown}", remote.name))],
        );
    };
    if !p.hosts.iter().any(|h| h.eq_ignore_ascii_case(&host)) {
        return Outcome::fail(
            format!(
                "{} is hosted on {host}, not {}",
                remote.name,
                p.hosts.join(" or ")
            ),
            vec![Finding::general(format!("{} = {shown}", remote.name))],
        );
    }
    if p.orgs.iter().any(|o| o.eq_ignore_ascii_case(&owner)) {
        Outcome::pass(format!("{} is under {host}/{owner}", remote.name))
    } else {
        Outcome::fail(
            format!(
                "{} is under {host}/{owner}, which is not one of the organisation's accounts",
                remote.name
            ),
            vec![Finding::general(format!(
                "{} = {shown}; accepted owners: {}",
                remote.name,
                p.orgs.join(", ")
            ))],
        )
    }
}

/// Host and owner of `https://host/owner/repo`, `git@host:owner/repo.git` or `ssh://git@host/owner/repo`.
pub fn host_and_owner(url: &str) -> Option<(String, String)> {
    let rest = if let Some(i) = url.find("://") {
        &url[i + 3..]
    } else if url.contains(':') && !url.starts_with('/') {
        // scp-like syntax
        let (host, path) = url.split_once(':')?;
        let host = host.rsplit('@').next()?;
        let owner = path.trim_start_matches('/').split('/').next()?;
        return (!owner.is_empty()).then(|| (host.to_ascii_lowercase(), owner.to_string()));
    } else {
        return None;
    };
    let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
    let mut parts = rest.split('/');
    let host = parts.next()?.split(':').next()?.to_ascii_lowercase();
    let owner = parts.next()?.to_string();
    (!host.is_empty() && !owner.is_empty()).then_some((host, owner))
}

/// Never print credentials embedded in a remote URL.
fn redact_userinfo(url: &str) -> String {
    if let Some(i) = url.find("://") {
        let after = &url[i + 3..];
        let end = after.find('/').unwrap_or(after.len());
        if let Some(at) = after[..end].rfind('@') {
            return format!("{}://***@{}", &url[..i], &after[at + 1..]);
        }
    }
    url.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_remote_urls() {
        let h = |u| host_and_owner(u).unwrap();
        assert_eq!(
            h("https://github.com/nhsengland/x.git"),
            ("github.com".into(), "nhsengland".into())
        );
        assert_eq!(
            h("git@github.com:NHSDigital/x.git"),
            ("github.com".into(), "NHSDigital".into())
        );
        assert_eq!(
            h("ssh://git@github.com:22/nhsx/x"),
            ("github.com".into(), "nhsx".into())
        );
        assert_eq!(
            h("https://user:tok@GitHub.com/me/x"), // openready:allow no-secrets (a test URL)
            ("github.com".into(), "me".into())
        );
        assert!(host_and_owner("/srv/git/x.git").is_none());
    }

    #[test]
    fn credentials_in_urls_are_never_shown() {
        assert_eq!(
            redact_userinfo("https://user:s3cr3t@github.com/a/b"), // openready:allow no-secrets
            "https://***@github.com/a/b"
        );
        assert_eq!(
            redact_userinfo("https://github.com/a/b"),
            "https://github.com/a/b"
        );
    }
}
