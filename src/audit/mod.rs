//! `gradproof audit`: checks the derivation written in a blog post's own LaTeX.
//!
//! The post's formulas are found ([`extract`]), read by the LaTeX reader
//! ([`crate::parse::parse_statements`]) and every statement with `=` is checked
//! ([`statement`]) with the same checker as a `show` block, against the declarations of a
//! `.deriv` file: chains `A = B = C` pairwise, and where a statement continues the previous one
//! (the same left side) the rules that lead from the previous right side to this one are named.
//! A `\partial L / \partial p_j` in the post is the derivative of the `.deriv` file's
//! definitions, and a statement whose left side is a defined symbol is checked against its
//! definition.
//!
//! Side conditions restrict the check: `\text{ for all } j \ne y` after a statement, and a
//! formula that is only a condition on index letters followed by a colon (`When \(j \ne k\):
//! \(..\)`) for the formulas after it up to the end of its sentence. A condition `C` is checked
//! as `[C]·A = [C]·B`, `[j ≠ y]` being `1 - δ(j,y)` and `[j = k]` being `δ(j,k)`: at samples where
//! it does not hold both sides are 0. (The checker's sampling is being rewritten on another
//! branch, so the restriction is expressed in the checked expressions instead.)
//!
//! Nothing is guessed: a formula the reader cannot read, a relation other than `=`, a symbol
//! the `.deriv` file does not declare, a sum whose written range is not the declared one, and a
//! value given to a symbol (`p_y = 0.001`, an example rather than an identity) are reported as
//! skipped with the reason.

pub mod extract;
pub mod report;
pub mod statement;

pub use extract::{Formula, PostKind};

use crate::check::CheckOptions;
use crate::engine::Limits;
use crate::parse::{parse_statements, Condition, Relation, Statement};
use crate::syntax::problem::{Pos, Problem};
use serde::Serialize;
use statement::{check_statement, Checked};
use std::fmt;

/// Input the audit cannot read at all (exit code 2): an unclosed delimiter, say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditError {
    /// Where.
    pub pos: Pos,
    /// What was expected.
    pub message: String,
    /// The post's line at `pos`.
    pub source_line: String,
}

impl AuditError {
    /// An error at byte `at` of `text`, expecting `what`.
    pub fn at(text: &str, at: usize, what: impl Into<String>) -> AuditError {
        let pos = extract::pos_of(text, at);
        AuditError {
            pos,
            message: format!("expected {}", what.into()),
            source_line: text.lines().nth(pos.line - 1).unwrap_or("").to_string(),
        }
    }
}

impl fmt::Display for AuditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.pos.line, self.pos.column, self.message)?;
        if f.alternate() {
            let lines = crate::parse::snippet::caret_lines(
                &self.source_line,
                self.pos.line,
                self.pos.column,
                &[],
            );
            write!(f, "\n{lines}")?;
        }
        Ok(())
    }
}

impl std::error::Error for AuditError {}

/// The verdict on one statement of the post.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// Numerically true at every sample.
    Holds(Box<Checked>),
    /// False (or undefined) at some sample.
    False(Box<Checked>),
    /// Not checked, and why.
    Skipped {
        /// Why.
        reason: String,
    },
}

/// One statement of the post, checked.
#[derive(Clone, Debug, Serialize)]
pub struct AuditLine {
    /// Where the statement starts in the post.
    pub pos: Pos,
    /// The statement's LaTeX, white space collapsed.
    pub text: String,
    /// The verdict.
    pub verdict: Verdict,
}

/// The audit of a whole post.
#[derive(Clone, Debug, Serialize)]
pub struct AuditReport {
    /// The kind of document read.
    pub kind: PostKind,
    /// How many formulas the post has.
    pub formulas: usize,
    /// How many of them state nothing to check (no relation: `p_j`, `s_k`...).
    pub without_relation: usize,
    /// One line per statement with a relation, in the post's order.
    pub lines: Vec<AuditLine>,
}

impl AuditReport {
    /// True when no statement is false.
    pub fn ok(&self) -> bool {
        !self
            .lines
            .iter()
            .any(|l| matches!(l.verdict, Verdict::False(_)))
    }

    /// The post line of the first false statement, if any.
    pub fn first_false_line(&self) -> Option<usize> {
        self.lines
            .iter()
            .find(|l| matches!(l.verdict, Verdict::False(_)))
            .map(|l| l.pos.line)
    }

    /// How many statements were checked and hold, are false, and were skipped.
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut c = (0, 0, 0);
        for l in &self.lines {
            match l.verdict {
                Verdict::Holds(_) => c.0 += 1,
                Verdict::False(_) => c.1 += 1,
                Verdict::Skipped { .. } => c.2 += 1,
            }
        }
        c
    }
}

/// What the audit needs besides the post: the declarations and how to check.
pub struct AuditContext<'a> {
    /// The `.deriv` file's text (its `show` block, if any, is ignored).
    pub with_text: &'a str,
    /// The same, parsed.
    pub problem: &'a Problem,
    /// How the checker samples.
    pub check: &'a CheckOptions,
    /// The limits of the search for connecting rules.
    pub limits: Limits,
}

/// Audits the post `text` of kind `kind`.
pub fn audit(
    text: &str,
    kind: PostKind,
    ctx: &AuditContext<'_>,
) -> Result<AuditReport, AuditError> {
    let formulas = extract::formulas(text, kind)?;
    let mut report = AuditReport {
        kind,
        formulas: formulas.len(),
        without_relation: 0,
        lines: Vec::new(),
    };
    // Conditions introduced by a formula followed by a colon, until the end of the sentence.
    let mut scoped: Vec<Condition> = Vec::new();
    let mut previous: Option<Statement> = None;
    for f in &formulas {
        let statements = match parse_statements(&f.latex) {
            Ok(s) => s,
            Err(e) => {
                let at = offset_pos(f, e.offset);
                report.lines.push(AuditLine {
                    pos: f.pos,
                    text: collapse(&f.latex),
                    verdict: Verdict::Skipped {
                        reason: format!(
                            "cannot read it: {} (at {}:{})",
                            e.message, at.line, at.column
                        ),
                    },
                });
                scoped.clear();
                continue;
            }
        };
        let mut new_scope = Vec::new();
        for (n, s) in statements.iter().enumerate() {
            let end = statements.get(n + 1).map_or(f.latex.len(), |t| t.offset);
            let body = &f.latex[s.offset..end];
            let lead = body.len() - body.trim_start().len();
            let line = AuditLine {
                pos: offset_pos(f, s.offset + lead),
                text: collapse(&f.latex[s.offset..end]),
                verdict: Verdict::Skipped {
                    reason: String::new(),
                },
            };
            if s.relations.is_empty() {
                report.without_relation += 1;
                continue;
            }
            let verdict = match classify(s, ctx.problem) {
                Kind::IndexCondition(c) => {
                    new_scope.extend(c);
                    Verdict::Skipped {
                        reason: "a condition on indices, not an equation".to_string(),
                    }
                }
                Kind::Skip(reason) => Verdict::Skipped { reason },
                Kind::Equation if reads_e_as_exp(&line.text, ctx.problem) => Verdict::Skipped {
                    reason: "`e^{..}` is read as exp, but the --with file declares a symbol `e`"
                        .to_string(),
                },
                Kind::Equation => {
                    let continues = previous
                        .as_ref()
                        .filter(|p| p.sides[0] == s.sides[0])
                        .and_then(|p| p.sides.last());
                    let verdict = check_statement(ctx, s, &scoped, continues);
                    if matches!(verdict, Verdict::Holds(_) | Verdict::False(_)) {
                        previous = Some(s.clone());
                    }
                    verdict
                }
            };
            report.lines.push(AuditLine { verdict, ..line });
        }
        if ends_sentence(&f.after) {
            scoped.clear();
        }
        if !new_scope.is_empty() && f.after.trim_start().starts_with(':') {
            scoped = new_scope;
        }
    }
    Ok(report)
}

/// True when `latex` writes `e^` (read as exp) while `problem` declares a symbol named `e`:
/// the reading would be a guess.
fn reads_e_as_exp(latex: &str, problem: &Problem) -> bool {
    let declared = problem.var("e").is_some() || problem.def("e").is_some();
    declared
        && latex.match_indices('e').any(|(n, _)| {
            let before = latex[..n].chars().next_back();
            let standalone = !before.is_some_and(|c| c.is_ascii_alphabetic() || c == '\\');
            standalone && latex[n + 1..].trim_start().starts_with('^')
        })
}

/// What a statement is.
enum Kind {
    /// A condition on index letters (`j \ne k`).
    IndexCondition(Vec<Condition>),
    /// Not checked, and why.
    Skip(String),
    /// An equation to check.
    Equation,
}

fn classify(s: &Statement, problem: &Problem) -> Kind {
    let letter = |e: &crate::syntax::expr::Expr| match e {
        crate::syntax::expr::Expr::Sym(sym)
            if sym.indices.is_empty() && problem.index(&sym.name).is_some() =>
        {
            Some(sym.name.to_string())
        }
        _ => None,
    };
    let letters: Option<Vec<String>> = s.sides.iter().map(letter).collect();
    if let Some(letters) = letters {
        let mut out = Vec::new();
        for (rel, pair) in s.relations.iter().zip(letters.windows(2)) {
            let equal = match rel {
                Relation::Equal => true,
                Relation::NotEqual => false,
                Relation::Other(r) => return Kind::Skip(format!("only `=` is checked, not `{r}`")),
            };
            out.push(Condition {
                left: pair[0].clone(),
                right: pair[1].clone(),
                equal,
            });
        }
        return Kind::IndexCondition(out);
    }
    if let Some(r) = s.relations.iter().find(|r| **r != Relation::Equal) {
        let r = match r {
            Relation::NotEqual => "\\ne".to_string(),
            Relation::Other(r) => r.clone(),
            Relation::Equal => unreachable!("found a relation other than ="),
        };
        return Kind::Skip(format!("only `=` is checked, not `{r}`"));
    }
    if let [crate::syntax::expr::Expr::Sym(sym), crate::syntax::expr::Expr::Num(n)] =
        s.sides.as_slice()
    {
        return Kind::Skip(format!(
            "gives {} the value {n}: an example, not an identity",
            crate::render::to_input(&crate::syntax::expr::Expr::Sym(sym.clone()))
        ));
    }
    Kind::Equation
}

/// True when `gap` (text between formulas) ends a sentence: a `.`, `!` or `?` followed by white
/// space, or a blank line.
fn ends_sentence(gap: &str) -> bool {
    let b = gap.as_bytes();
    gap.contains("\n\n")
        || gap.contains("\r\n\r\n")
        || b.iter().enumerate().any(|(n, &c)| {
            matches!(c, b'.' | b'!' | b'?') && b.get(n + 1).is_none_or(|d| d.is_ascii_whitespace())
        })
}

/// The position in the post of byte `offset` of formula `f`'s LaTeX.
fn offset_pos(f: &Formula, offset: usize) -> Pos {
    let before = &f.latex[..offset.min(f.latex.len())];
    match before.rfind('\n') {
        Some(n) => Pos {
            line: f.pos.line + before.matches('\n').count(),
            column: 1 + before[n + 1..].chars().count(),
        },
        None => Pos {
            line: f.pos.line,
            column: f.pos.column + before.chars().count(),
        },
    }
}

/// `s` with white space runs collapsed to one space and trimmed of the separators between
/// statements (`,`, `;`, `\\`, `\quad`, `\qquad`).
fn collapse(s: &str) -> String {
    let mut t = s.split_whitespace().collect::<Vec<_>>().join(" ");
    loop {
        let trimmed = t
            .trim_start_matches([',', ';', ' '])
            .trim_end_matches([',', ';', ' ']);
        let trimmed = ["\\\\", "\\qquad", "\\quad"]
            .iter()
            .fold(trimmed, |acc, sep| acc.strip_suffix(sep).unwrap_or(acc));
        if trimmed.len() == t.len() {
            return t;
        }
        t = trimmed.to_string();
    }
}
