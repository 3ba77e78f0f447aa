//! The small subcommands: `print`, `audit` and `rules`.

use super::args::{AuditFormat, ExprFormat};
use super::{emit, load, read, Failure};
use gradproof::check::CheckOptions;
use gradproof::engine::{self, Limits};
use gradproof::parse::parse_expr;
use gradproof::render::{self, PrintOptions};
use gradproof::rules;
use gradproof::syntax::expr::Expr;
use std::process::ExitCode;

pub fn print_expr(text: &str, format: ExprFormat, ranges: &[String]) -> Result<ExitCode, Failure> {
    let e = parse_expr(text).map_err(|e| Failure::Input(format!("{e:#}")))?;
    let (e, table) = with_ranges(&e, ranges)?;
    let opts = PrintOptions {
        index_names: table.iter().map(|(l, _)| l.clone()).collect(),
        index_ranges: table,
        ..PrintOptions::default()
    };
    let out = match format {
        ExprFormat::Input => render::to_input_with(&e, &opts),
        ExprFormat::Text => render::to_text(&e, &opts),
        ExprFormat::Latex => render::to_latex(&e, &opts),
    };
    println!("{out}");
    Ok(ExitCode::SUCCESS)
}

/// Gives every sum whose letter is named in `ranges` (`j,k=K`) that upper end; also returns the
/// letters with their upper ends, the candidates for renaming a bound index.
pub fn with_ranges(e: &Expr, ranges: &[String]) -> Result<(Expr, Vec<(String, String)>), Failure> {
    let mut table: Vec<(String, String)> = Vec::new();
    for r in ranges {
        let (letters, upper) = r.split_once('=').ok_or_else(|| {
            Failure::Input(format!(
                "--index {r}: expected LETTERS=UPPER, such as j,k=K"
            ))
        })?;
        for l in letters.split(',').map(str::trim).filter(|l| !l.is_empty()) {
            table.push((l.to_string(), upper.trim().to_string()));
        }
    }
    Ok((set_ranges(e, &table), table))
}

pub fn set_ranges(e: &Expr, table: &[(String, String)]) -> Expr {
    let children = e
        .children()
        .into_iter()
        .map(|c| set_ranges(c, table))
        .collect();
    match engine::rebuild(e, children) {
        Expr::Sum(mut b, body) => {
            if let Some((_, upper)) = table.iter().find(|(l, _)| *l == b.hint.0) {
                b.upper = Some(upper.into());
            }
            Expr::Sum(b, body)
        }
        other => other,
    }
}

/// `gradproof audit POST --with FILE`.
pub fn audit(post: &str, with: &str, format: AuditFormat, seed: u64) -> Result<ExitCode, Failure> {
    let with_text = read(with)?;
    let problem = load(with, &with_text)?;
    let text = read(post)?;
    if text.len() > gradproof::parse::MAX_INPUT_BYTES {
        return Err(Failure::Input(format!(
            "{post}: the post is {} bytes, more than {} (limit MAX_INPUT_BYTES)",
            text.len(),
            gradproof::parse::MAX_INPUT_BYTES
        )));
    }
    let check = CheckOptions {
        seed,
        ..CheckOptions::default()
    };
    let ctx = gradproof::audit::AuditContext {
        with_text: &with_text,
        problem: &problem,
        check: &check,
        limits: Limits::default(),
    };
    let kind = gradproof::audit::PostKind::of(post, &text);
    let report = gradproof::audit::audit(&text, kind, &ctx)
        .map_err(|e| Failure::Input(format!("{post}:{e:#}")))?;
    match format {
        AuditFormat::Text => emit(&gradproof::audit::report::audit_text(&report, post)),
        AuditFormat::Json => emit(&gradproof::audit::report::audit_json(&report)),
    }
    Ok(match report.ok() {
        true => ExitCode::SUCCESS,
        false => ExitCode::from(1),
    })
}

pub fn list_rules() {
    let width = rules::registry()
        .iter()
        .map(|r| r.name.len())
        .max()
        .unwrap_or(0);
    for r in rules::registry() {
        println!("{:width$}  {}", r.name, r.description);
    }
    println!(
        "{:width$}  replace each derivative of a chain rule by the result of its lemma (a strategy step)",
        engine::SUBSTITUTE
    );
}
