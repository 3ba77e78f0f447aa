//! `use "other.deriv"`: importing the derived result of another derivation file.
//!
//! A `use` line names a `.deriv` file (relative to the importing file). That file is read (by the
//! caller's `read`, so that only `main.rs` touches the file system), resolved the same way, parsed,
//! checked and derived; its result becomes a `given` line of the importing file, in place of the
//! `use` line (so positions stay those of the file as written): `given d(L)/d(s_k) = p_k - q_k`,
//! checked numerically in the importing problem like every line, its proof step saying where it
//! comes from. A file that cannot be read, an import cycle, a file without a `derive` line and a
//! result the importing file cannot read are errors at the `use` line (exit 2).

use crate::engine::chain::parse_and_validate;
use crate::engine::{derive, Limits};
use crate::parse::{ErrorKind, ParseError};
use crate::syntax::expr::deriv;
use crate::syntax::problem::{Pos, Problem};
use std::path::{Path, PathBuf};

/// The most files one chain of imports may pass through (a guard besides the cycle check).
pub const MAX_IMPORT_DEPTH: usize = 16;

/// Reads a file's text, or says why it cannot.
pub type Reader<'r> = dyn Fn(&Path) -> Result<String, String> + 'r;

/// Parses `text`, the file at `path`, with its `use` lines resolved through `read`: the problem,
/// with each imported given marked with the file it comes from.
pub fn parse_with_imports(text: &str, path: &Path, read: &Reader) -> Result<Problem, ParseError> {
    let mut stack = vec![path.to_path_buf()];
    load(text, path, read, &mut stack)
}

fn load(
    text: &str,
    path: &Path,
    read: &Reader,
    stack: &mut Vec<PathBuf>,
) -> Result<Problem, ParseError> {
    let mut lines: Vec<String> = Vec::new();
    let mut from: Vec<(usize, String)> = Vec::new();
    for (n, line) in text.split('\n').enumerate() {
        let Some((column, name)) = use_line(line) else {
            lines.push(line.to_string());
            continue;
        };
        let fail = |why: String| {
            let pos = Pos {
                line: n + 1,
                column,
            };
            let kind = ErrorKind::Import {
                file: name.clone().unwrap_or_default(),
                why,
            };
            ParseError::new(pos, kind, line)
        };
        let Some(name) = name.clone() else {
            return Err(fail("expected a quoted file name after `use`".into()));
        };
        let target = path.parent().unwrap_or(Path::new("")).join(&name);
        if stack.contains(&target) {
            return Err(fail("the files import each other (a cycle)".into()));
        }
        if stack.len() >= MAX_IMPORT_DEPTH {
            return Err(fail(format!(
                "more than {MAX_IMPORT_DEPTH} files deep (limit MAX_IMPORT_DEPTH)"
            )));
        }
        let imported_text = read(&target).map_err(|e| fail(format!("cannot read it: {e}")))?;
        stack.push(target.clone());
        let imported = load(&imported_text, &target, read, stack);
        stack.pop();
        let imported = imported.map_err(|e| fail(format!("{name}:{e}")))?;
        let statement = derived_statement(&imported).map_err(fail)?;
        lines.push(format!("given {statement}"));
        from.push((n + 1, name));
    }
    let mut problem = parse_and_validate(&lines.join("\n"))?;
    for g in &mut problem.givens {
        if let Some((_, name)) = from.iter().find(|(line, _)| *line == g.pos.line) {
            g.from = Some(name.clone());
        }
    }
    Ok(problem)
}

/// `d(F)/d(x) = RESULT` of a problem's derivation, in the input syntax.
fn derived_statement(problem: &Problem) -> Result<String, String> {
    let goal = problem
        .goal
        .as_ref()
        .ok_or_else(|| "it has no `derive` line".to_string())?;
    let d = derive(problem, Limits::default()).ok_or_else(|| "it derives nothing".to_string())?;
    let of = deriv(goal.of.clone(), goal.wrt.clone());
    Ok(format!("{of} = {}", d.result()))
}

/// For a `use` line: the column of what follows `use` and the quoted name (`None` when it is not
/// a quoted name). `None` for any other line.
fn use_line(line: &str) -> Option<(usize, Option<String>)> {
    let code = line.split_once('#').map_or(line, |(code, _)| code);
    let trimmed = code.trim_start();
    let rest = trimmed.strip_prefix("use")?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let arg = rest.trim_start();
    let offset = arg.as_ptr() as usize - line.as_ptr() as usize;
    let column = line
        .get(..offset)
        .expect("`arg` is a slice of `line`: its offset is a char boundary")
        .chars()
        .count()
        + 1;
    let name = arg
        .trim_end()
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .filter(|s| !s.is_empty() && !s.contains('"'))
        .map(str::to_string);
    Some((column, name))
}
