//! Command-line definitions (clap). Parsing only; `main` runs them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::finding::FailOn;
use crate::report::Format;

#[derive(Parser, Debug)]
#[command(name = "openready", version, about = "Is this repository ready to be opened? Checks a git repository against the NHS open-source policy.", long_about = None)]
pub struct Cli {
    /// When to use colour: auto follows the terminal and NO_COLOR.
    #[arg(long, value_enum, global = true, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check a repository against the policy (exit 0 pass, 1 policy failed, 2 could not check).
    Check(CheckArgs),
    /// List the rules of the active policy.
    Rules(PolicyArgs),
    /// Explain a rule: what it checks, why it matters, how to fix it, and its sources.
    Explain {
        /// The rule id, e.g. readme-contact.
        id: String,
        #[command(flatten)]
        policy: PolicyArgs,
    },
    /// Show the licences and copyright notices found, identified from their text.
    Licence(LicenceArgs),
    /// List the built-in policies.
    Policies,
    /// Record the current findings in a baseline file, so that later checks report only new ones.
    Baseline(BaselineArgs),
}

#[derive(Args, Debug)]
pub struct BaselineArgs {
    /// The repository to check.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Where to write the baseline (default: .openready-baseline.json at the repository root).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Record findings in all of history too.
    #[arg(long)]
    pub history: bool,
    /// Run only these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',', value_name = "ID,..")]
    pub select: Vec<String>,
    #[command(flatten)]
    pub policy: PolicyOpts,
}

/// `rules` and `explain`: the policy options, and the repository whose config to read.
#[derive(Args, Debug, Clone)]
pub struct PolicyArgs {
    #[command(flatten)]
    pub opts: PolicyOpts,
    /// The repository whose config to read.
    #[arg(long, default_value = ".", hide = true)]
    pub path: PathBuf,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The repository (or directory) to check.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Check the index: what the next commit will contain (for a pre-commit hook).
    #[arg(long, conflicts_with = "worktree")]
    pub staged: bool,
    /// Check tracked and untracked-but-not-ignored files as they are on disk.
    #[arg(long)]
    pub worktree: bool,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to FILE; a one-line summary still goes to the terminal.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Run only these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',', value_name = "ID,..")]
    pub select: Vec<String>,
    /// Skip these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',', value_name = "ID,..")]
    pub ignore: Vec<String>,
    /// Fail the run on failed rules at this level or above.
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOnArg>,
    #[command(flatten)]
    pub scan: ScanArgs,
    #[command(flatten)]
    pub policy: PolicyOpts,
}

/// How content is scanned: history, baseline, and whether secrets may be shown.
#[derive(Args, Debug, Clone)]
pub struct ScanArgs {
    /// Also scan every commit reachable from any ref (all branches and tags), and commit metadata.
    #[arg(long, conflicts_with_all = ["staged", "worktree"])]
    pub history: bool,
    /// With --history: only commits that REV does not reach (e.g. the last release tag).
    #[arg(long, value_name = "REV", requires = "history")]
    pub since: Option<String>,
    /// Findings recorded in this baseline file do not count (default: .openready-baseline.json at
    /// the repository root, when it exists).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Show secrets in full instead of redacted (only when writing to a terminal).
    #[arg(long)]
    pub show_secrets: bool,
}

/// How the policy is chosen and adjusted (shared by `check`, `rules` and `explain`).
#[derive(Args, Debug, Clone)]
pub struct PolicyOpts {
    /// Policy: a built-in name (nhs, nhse-it, rap, gds) or a policy file.
    #[arg(long, env = "OPENREADY_POLICY")]
    pub policy: Option<String>,
    /// Config file to use instead of discovering .openready.toml at the repository root.
    #[arg(long, conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore any .openready.toml.
    #[arg(long)]
    pub no_config: bool,
    /// A folder of extra rule files (repeatable).
    #[arg(long = "rules", value_name = "DIR")]
    pub rule_dirs: Vec<PathBuf>,
}

#[derive(Args, Debug)]
pub struct LicenceArgs {
    /// The repository (or directory) to look at.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Look at the index instead of HEAD.
    #[arg(long, conflicts_with = "worktree")]
    pub staged: bool,
    /// Look at the work tree instead of HEAD.
    #[arg(long)]
    pub worktree: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOnArg {
    Error,
    Warning,
    Info,
    Never,
}

impl From<FailOnArg> for FailOn {
    fn from(f: FailOnArg) -> Self {
        match f {
            FailOnArg::Error => FailOn::Error,
            FailOnArg::Warning => FailOn::Warning,
            FailOnArg::Info => FailOn::Info,
            FailOnArg::Never => FailOn::Never,
        }
    }
}
