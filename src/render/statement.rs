//! The problem stated before its proof: the index ranges, what each variable is (its declared
//! kind, in words), the definitions as display equations, the goal and the expected result.
//!
//! The statement is a list of document [`Block`]s whose math is written by a printer the caller
//! picks: LaTeX for Markdown, HTML and LaTeX documents, Unicode text for the terminal. Nothing
//! here knows a symbol's name; every word comes from a declaration's kind.

use super::document::{Block, Inline};
use super::{to_latex, to_text, FracStyle, PrintOptions};
use crate::syntax::expr::{deriv, Expr, Index, Symbol};
use crate::syntax::problem::{Kind, Problem, VarDecl};

/// Which printer writes the statement's math.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MathStyle {
    /// LaTeX, for the Markdown, HTML and LaTeX documents.
    Latex,
    /// Unicode text, for the terminal.
    Text,
}

impl MathStyle {
    /// `e` in this style, inline (LaTeX on one line with text-size fractions).
    pub(crate) fn inline(self, e: &Expr, opts: &PrintOptions) -> String {
        match self {
            MathStyle::Latex => super::document::inline_latex(e, opts),
            MathStyle::Text => super::cancellation::line(e, opts),
        }
    }

    /// `e` in this style, for a display equation (LaTeX with `\dfrac`).
    pub(crate) fn display(self, e: &Expr, opts: &PrintOptions) -> String {
        match self {
            MathStyle::Latex => super::document::one_line(&to_latex(
                e,
                &PrintOptions {
                    frac: FracStyle::Dfrac,
                    ..opts.clone()
                },
            )),
            MathStyle::Text => to_text(e, opts),
        }
    }

    /// The range `1, …, upper`.
    fn range(self, upper: &str) -> String {
        match self {
            MathStyle::Latex => format!("1, \\dots, {}", self.name(upper)),
            MathStyle::Text => format!("1..{upper}"),
        }
    }

    /// A plain name (an index letter or a range end) as math.
    fn name(self, name: &str) -> String {
        let e = Expr::Sym(Symbol {
            name: name.into(),
            indices: Vec::new(),
        });
        self.inline(&e, &PrintOptions::default())
    }
}

/// The statement of `problem`: index ranges, variables, definitions, goal and expected result.
pub(crate) fn statement_blocks(
    problem: &Problem,
    opts: &PrintOptions,
    style: MathStyle,
) -> Vec<Block> {
    let mut out = Vec::new();
    let mut given = Vec::new();
    for (letters, upper) in range_groups(problem) {
        let names: Vec<String> = letters.iter().map(|l| style.name(l)).collect();
        let verb = if letters.len() == 1 { "runs" } else { "run" };
        given.push(vec![
            Inline::Math(names.join(", ")),
            Inline::Text(format!(" {verb} over ")),
            Inline::Math(style.range(&upper)),
        ]);
    }
    for v in &problem.vars {
        given.push(variable_clause(problem, v, opts, style));
    }
    if !given.is_empty() {
        let mut words = vec![Inline::Text(String::from("Given: "))];
        for (i, clause) in given.into_iter().enumerate() {
            if i > 0 {
                words.push(Inline::Text(String::from("; ")));
            }
            words.extend(clause);
        }
        words.push(Inline::Text(String::from(".")));
        out.push(Block::Para(words));
    }
    if !problem.defs.is_empty() {
        out.push(Block::Para(vec![Inline::Text(String::from("where"))]));
        for d in &problem.defs {
            let lhs = style.display(&Expr::Sym(d.symbol.clone()), opts);
            out.push(Block::Display(format!(
                "{lhs} = {}",
                style.display(&d.body, opts)
            )));
        }
    }
    if let Some(goal) = &problem.goal {
        let target = deriv(goal.of.clone(), goal.wrt.clone());
        let words = vec![
            Inline::Text(String::from("To derive: ")),
            Inline::Math(style.inline(&target, opts)),
            Inline::Text(String::from(match problem.expect {
                Some(_) => ", expected to be",
                None => ".",
            })),
        ];
        out.push(Block::Para(words));
        // The expected result is a display, which a long result can break over rows.
        if let Some((expect, _)) = &problem.expect {
            out.push(Block::Display(format!(
                "{} = {}",
                style.display(&target, opts),
                style.display(expect, opts)
            )));
        }
    }
    out
}

/// The index letters grouped by the range they run over, in declaration order.
fn range_groups(problem: &Problem) -> Vec<(Vec<String>, String)> {
    let mut groups: Vec<(Vec<String>, String)> = Vec::new();
    for i in &problem.indices {
        match groups.iter_mut().find(|(_, upper)| *upper == i.upper) {
            Some((letters, _)) => letters.push(i.name.clone()),
            None => groups.push((vec![i.name.clone()], i.upper.clone())),
        }
    }
    groups
}

/// "s_j is real", "q_j is a distribution over j = 1, …, K", "y is in (0, 1)".
fn variable_clause(
    problem: &Problem,
    v: &VarDecl,
    opts: &PrintOptions,
    style: MathStyle,
) -> Vec<Inline> {
    let symbol = Inline::Math(style.inline(&Expr::Sym(v.symbol.clone()), opts));
    let over = |words: &str| -> Vec<Inline> {
        let mut out = vec![Inline::Text(words.to_string())];
        let letters: Vec<&str> = v
            .symbol
            .indices
            .iter()
            .filter_map(|i| match i {
                Index::Free(name) => Some(name.as_str()),
                Index::Bound(_) => None,
            })
            .collect();
        for (n, letter) in letters.iter().enumerate() {
            out.push(Inline::Text(String::from(if n == 0 {
                " over "
            } else {
                " and "
            })));
            let range = problem.upper_of(letter).map(|u| style.range(u));
            out.push(Inline::Math(match range {
                Some(range) => format!("{} = {range}", style.name(letter)),
                None => style.name(letter),
            }));
        }
        out
    };
    let mut out = vec![symbol];
    out.extend(match v.kind {
        Kind::Real => vec![Inline::Text(String::from(" is real"))],
        Kind::Positive => vec![Inline::Text(String::from(" is positive"))],
        Kind::Unit => vec![
            Inline::Text(String::from(" lies in ")),
            Inline::Math(String::from("(0, 1)")),
        ],
        Kind::Distribution => over(" is a probability distribution"),
        Kind::Onehot => over(" is a one-hot distribution"),
    });
    out
}
