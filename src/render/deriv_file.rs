//! A [`Problem`] printed back as a `.deriv` file: the declarations, definitions and the
//! `derive` and `expect` lines, in a form that [`crate::parse::parse_problem`] reads back to
//! the same problem (positions aside). A saved JSON proof carries it, so that
//! `gradproof verify` can rebuild the problem the proof is about.

use super::to_input;
use crate::syntax::expr::{deriv, Expr};
use crate::syntax::problem::Problem;

/// The `.deriv` text of `problem` (without its `show` block, which a proof does not use).
pub fn problem_text(problem: &Problem) -> String {
    let mut out = String::new();
    if let Some(title) = &problem.title {
        let escaped = title.replace('\\', "\\\\").replace('"', "\\\"");
        out.push_str(&format!("title \"{escaped}\"\n"));
    }
    for i in &problem.indices {
        out.push_str(&format!("index {} in 1..{}\n", i.name, i.upper));
    }
    for v in &problem.vars {
        let symbol = to_input(&Expr::Sym(v.symbol.clone()));
        out.push_str(&format!("var {symbol} {}\n", v.kind.keyword()));
    }
    for d in &problem.defs {
        let symbol = to_input(&Expr::Sym(d.symbol.clone()));
        out.push_str(&format!("let {symbol} = {}\n", to_input(&d.body)));
    }
    for g in &problem.givens {
        let stated = format!("{} = {}", to_input(&g.of), to_input(&g.result));
        out.push_str(&format!("given {stated}\n"));
    }
    if let Some(goal) = &problem.goal {
        let derivative = to_input(&deriv(goal.of.clone(), goal.wrt.clone()));
        out.push_str(&format!("derive {derivative}"));
        let vias: Vec<String> = match goal.vias.is_empty() {
            true => goal.via.iter().cloned().collect::<Vec<_>>(),
            false => goal.vias.iter().map(|(v, _)| v.clone()).collect(),
        }
        .into_iter()
        .map(|v| to_input(&Expr::Sym(v)))
        .collect();
        if !vias.is_empty() {
            out.push_str(&format!(" via {}", vias.join(", ")));
        }
        out.push('\n');
    }
    if let Some((expect, _)) = &problem.expect {
        out.push_str(&format!("expect {}\n", to_input(expect)));
    }
    out
}
