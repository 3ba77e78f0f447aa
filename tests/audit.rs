//! `gradproof audit` (#19): the blog post's own LaTeX checked end to end, copies of it with one
//! slip each, small Markdown, HTML and LaTeX posts, and what it refuses to read.

mod common;

use common::{run, stderr, stdout};
use gradproof::audit::{audit, AuditContext, AuditReport, PostKind, Verdict};
use gradproof::check::CheckOptions;
use gradproof::engine::Limits;
use gradproof::parse::parse_problem;
use std::path::PathBuf;

/// The post, as committed (a copy of `../shared/seed/000_92425c55272acc41.txt`).
const POST: &str = include_str!("fixtures/audit/creating_the_learning_signal.txt");
/// The declarations that give the post's symbols their meaning.
const POST_DERIV: &str = include_str!("fixtures/audit/softmax_cross_entropy_post.deriv");

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn audit_text(post: &str, kind: PostKind, with: &str) -> AuditReport {
    let problem = parse_problem(with).expect("the --with file parses");
    let check = CheckOptions::default();
    let ctx = AuditContext {
        with_text: with,
        problem: &problem,
        check: &check,
        limits: Limits::default(),
    };
    audit(post, kind, &ctx).expect("the post is readable")
}

/// The (1-based) line of `text` on which `snippet` first occurs.
fn line_of(text: &str, snippet: &str) -> usize {
    let at = text
        .find(snippet)
        .unwrap_or_else(|| panic!("`{snippet}` is not in the post"));
    1 + text[..at].matches('\n').count()
}

/// The post lines of the false statements.
fn false_lines(r: &AuditReport) -> Vec<usize> {
    r.lines
        .iter()
        .filter(|l| matches!(l.verdict, Verdict::False(_)))
        .map(|l| l.pos.line)
        .collect()
}

fn write_temp(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gradproof-audit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path
}

#[test]
fn the_committed_post_is_the_seed_post() {
    let seed = repo("../shared/seed/000_92425c55272acc41.txt");
    let text = std::fs::read_to_string(&seed).unwrap_or_else(|e| {
        panic!(
            "the seed post {} is missing ({e}): tests/fixtures/audit/creating_the_learning_signal.txt \
             is a copy of it and must be compared with it",
            seed.display()
        )
    });
    assert_eq!(
        text, POST,
        "tests/fixtures/audit/creating_the_learning_signal.txt differs from the seed post"
    );
}

/// The equations the issue lists, as the post writes them.
const LISTED: [&str; 12] = [
    // the chain rule
    r"\dfrac{\partial L}{\partial s_k} = \displaystyle\sum_{j=1}^{K} \dfrac{\partial L}{\partial p_j} \cdot \dfrac{\partial p_j}{\partial s_k}",
    // the loss piece for a one-hot target, both cases
    r"\dfrac{\partial L}{\partial p_y} = -\dfrac{1}{p_y}",
    r"\dfrac{\partial L}{\partial p_j} = 0 \ \text{ for all } j \ne y",
    // the softmax piece and its two cases
    r"\dfrac{\partial p_j}{\partial s_k} = p_j \left(\delta_{jk} - p_k\right)",
    r"\partial p_k / \partial s_k = p_k(1 - p_k)",
    r"\partial p_j / \partial s_k = -p_j p_k",
    // the substituted, cancelled and split sums
    r"\dfrac{\partial L}{\partial s_k} = \displaystyle\sum_{j=1}^{K} \left(-\dfrac{q_j}{p_j}\right) \cdot p_j (\delta_{jk} - p_k)",
    r"\dfrac{\partial L}{\partial s_k} = \displaystyle\sum_{j=1}^{K} \left(-q_j\right)(\delta_{jk} - p_k)",
    r"\dfrac{\partial L}{\partial s_k} = -\displaystyle\sum_{j=1}^{K} q_j \delta_{jk} + p_k \sum_{j=1}^{K} q_j",
    // the boxed result
    r"\boxed{\dfrac{\partial L}{\partial s_k} = p_k - q_k}",
    // the true-class gradient: the product (-1/p_y) p_y (1 - p_y) = p_y - 1
    r"\left(-\dfrac{1}{p_y}\right) \cdot p_y(1 - p_y) = p_y - 1",
    // the total
    r"\sum_k (p_k - q_k) = 1 - 1 = 0",
];

#[test]
fn every_listed_equation_of_the_post_holds() {
    let r = audit_text(POST, PostKind::Markdown, POST_DERIV);
    for snippet in LISTED {
        let line = line_of(POST, snippet);
        let found = r.lines.iter().find(|l| {
            let head: String = l.text.chars().take(30).collect();
            l.pos.line == line && (l.text.contains(snippet) || snippet.contains(&head))
        });
        let Some(l) = found else {
            panic!("no statement reported at line {line} for `{snippet}`");
        };
        let Verdict::Holds(c) = &l.verdict else {
            panic!("line {line} `{snippet}`: {:?}", l.verdict);
        };
        assert!(
            !c.links.is_empty() && c.links.iter().all(|k| k.holds),
            "line {line}"
        );
    }
    assert!(r.ok());
    assert!(false_lines(&r).is_empty());
}

#[test]
fn the_chain_rule_and_the_split_are_named() {
    let r = audit_text(POST, PostKind::Markdown, POST_DERIV);
    let rules_at = |snippet: &str| -> Vec<&'static str> {
        let line = line_of(POST, snippet);
        let l = r
            .lines
            .iter()
            .find(|l| l.pos.line == line)
            .expect("reported");
        match &l.verdict {
            Verdict::Holds(c) => c.links[0].rules.clone().unwrap_or_default(),
            other => panic!("{other:?}"),
        }
    };
    assert!(rules_at(LISTED[0]).contains(&"chain-rule"));
    // The split follows the cancelled sum: a derivation step, named from the previous line.
    let split = rules_at(LISTED[8]);
    assert!(split.contains(&"split-sum"), "{split:?}");
}

#[test]
fn the_seed_post_audits_with_exit_0_from_the_command_line() {
    let post = repo("tests/fixtures/audit/creating_the_learning_signal.txt");
    let with = repo("tests/fixtures/audit/softmax_cross_entropy_post.deriv");
    let o = run(&[
        "audit",
        post.to_str().unwrap(),
        "--with",
        with.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("✓") && !out.contains("✗"), "{out}");
    let boxed = line_of(POST, LISTED[9]);
    assert!(
        out.contains(&format!("line {boxed:>4}: \\boxed{{")),
        "{out}"
    );
}

/// A copy of the post with `from` replaced by `to` (exactly once), and the line of the slip.
fn slipped(from: &str, to: &str) -> (String, usize) {
    assert_eq!(
        POST.matches(from).count(),
        1,
        "`{from}` must occur once in the post"
    );
    let text = POST.replacen(from, to, 1);
    let line = line_of(&text, to);
    (text, line)
}

/// Each slip makes exactly its own line false, and the command line exits 1 naming it.
fn assert_slip_caught(from: &str, to: &str, name: &str) {
    let (text, line) = slipped(from, to);
    let r = audit_text(&text, PostKind::Markdown, POST_DERIV);
    assert_eq!(false_lines(&r), vec![line], "{name}");
    let path = write_temp(name, &text);
    let with = repo("tests/fixtures/audit/softmax_cross_entropy_post.deriv");
    let o = run(&[
        "audit",
        path.to_str().unwrap(),
        "--with",
        with.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{name}: {}", stdout(&o));
    let out = stdout(&o);
    let at = out
        .find(&format!("line {line:>4}:"))
        .unwrap_or_else(|| panic!("{name}: line {line} not reported\n{out}"));
    let next = out[at + 1..]
        .find("\nline ")
        .map_or(out.len(), |n| at + 1 + n);
    let block = &out[at..next];
    assert!(
        block.contains("✗ = #") && block.contains("false"),
        "{name}: {block}"
    );
}

#[test]
fn a_sign_flipped_in_the_split_sums_is_caught_at_its_line() {
    assert_slip_caught(
        r"q_j \delta_{jk} + p_k \sum_{j=1}^{K} q_j",
        r"q_j \delta_{jk} - p_k \sum_{j=1}^{K} q_j",
        "sign.txt",
    );
}

#[test]
fn p_j_for_p_k_in_the_softmax_piece_is_caught_at_its_line() {
    assert_slip_caught(
        r"p_j \left(\delta_{jk} - p_k\right)",
        r"p_j \left(\delta_{jk} - p_j\right)",
        "index.txt",
    );
}

#[test]
fn one_plus_one_is_zero_is_caught_at_its_line() {
    assert_slip_caught(r"= 1 - 1 = 0", r"= 1 + 1 = 0", "arithmetic.txt");
}

#[test]
fn a_condition_restricts_the_samples_and_is_needed() {
    // Without its condition, the j ≠ k case of the softmax piece is false: the condition is
    // what makes it hold, not a tolerance.
    let (text, line) = slipped(
        r"When \(j \ne k\): \(\partial p_j / \partial s_k = -p_j p_k\)",
        r"When it differs, \(\partial p_j / \partial s_k = -p_j p_k\)",
    );
    let r = audit_text(&text, PostKind::Markdown, POST_DERIV);
    assert_eq!(false_lines(&r), vec![line]);
    // The same for `\text{ for all } j \ne y`.
    let (text, line) = slipped(r"= 0 \ \text{ for all } j \ne y", r"= 0");
    let r = audit_text(&text, PostKind::Markdown, POST_DERIV);
    assert_eq!(false_lines(&r), vec![line]);
}

#[test]
fn without_the_one_hot_declarations_the_one_hot_lines_are_false() {
    // With a soft target q, `L = -log p_y` does not hold: the --with file gives the meaning.
    let soft = include_str!("../derivations/softmax_cross_entropy.deriv");
    let with_y = format!("{soft}\nindex y in 1..K\n");
    let r = audit_text(POST, PostKind::Markdown, &with_y);
    assert!(false_lines(&r).contains(&line_of(POST, r"\(L = -\log p_y\)")));
}

#[test]
fn json_lists_every_statement_with_its_verdict() {
    let post = repo("tests/fixtures/audit/creating_the_learning_signal.txt");
    let with = repo("tests/fixtures/audit/softmax_cross_entropy_post.deriv");
    let o = run(&[
        "audit",
        post.to_str().unwrap(),
        "--with",
        with.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    let lines = v["lines"].as_array().expect("lines");
    let r = audit_text(POST, PostKind::Markdown, POST_DERIV);
    assert_eq!(lines.len(), r.lines.len());
    for (json, line) in lines.iter().zip(&r.lines) {
        assert_eq!(json["pos"]["line"].as_u64(), Some(line.pos.line as u64));
        let verdict = json["verdict"]["verdict"].as_str().expect("verdict");
        let want = match line.verdict {
            Verdict::Holds(_) => "holds",
            Verdict::False(_) => "false",
            Verdict::Skipped { .. } => "skipped",
        };
        assert_eq!(verdict, want);
    }
}

fn skipped_reasons(r: &AuditReport) -> Vec<String> {
    r.lines
        .iter()
        .filter_map(|l| match &l.verdict {
            Verdict::Skipped { reason } => Some(reason.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_markdown_post_is_audited_end_to_end() {
    let post = include_str!("fixtures/audit/squared_error.md");
    let with = include_str!("../derivations/squared_error.deriv");
    let r = audit_text(post, PostKind::Markdown, with);
    assert!(r.ok(), "{}", gradproof::audit::report::audit_text(&r, "md"));
    // $$ .. $$ with an aligned environment: one statement, a chain of two equalities.
    let aligned = line_of(post, r"\begin{aligned}");
    let l = r
        .lines
        .iter()
        .find(|l| l.pos.line == aligned)
        .expect("aligned");
    let Verdict::Holds(c) = &l.verdict else {
        panic!("{:?}", l.verdict)
    };
    assert_eq!(c.links.len(), 2);
    // Inline code and a lone dollar are not formulas; \int is skipped with the reason.
    let reasons = skipped_reasons(&r);
    assert!(reasons.iter().any(|s| s.contains(r"\int")), "{reasons:?}");
    assert!(!r.lines.iter().any(|l| l.text.contains("5 is")));
    // A slip in the aligned chain is caught at its line.
    let bad = post.replace(r"&= p_k (p_k - q_k) - p_k", r"&= p_k (p_k - q_k) + p_k");
    let r = audit_text(&bad, PostKind::Markdown, with);
    assert_eq!(false_lines(&r), vec![aligned]);
}

#[test]
fn an_html_post_is_audited_end_to_end() {
    let path = repo("tests/fixtures/audit/log_sum_exp.html");
    let with = repo("derivations/log_sum_exp.deriv");
    let o = run(&[
        "audit",
        path.to_str().unwrap(),
        "--with",
        with.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let post = include_str!("fixtures/audit/log_sum_exp.html");
    let r = audit_text(
        post,
        PostKind::Html,
        include_str!("../derivations/log_sum_exp.deriv"),
    );
    assert_eq!(r.kind, PostKind::Html);
    // The MathJax script tags are read, the display one as a chain of two equalities.
    let display = line_of(post, r"\frac{\partial L}{\partial s_k} = \frac{e^{s_k}}");
    let l = r
        .lines
        .iter()
        .find(|l| l.pos.line == display)
        .expect("display math");
    assert!(matches!(&l.verdict, Verdict::Holds(c) if c.links.len() == 2));
    // `&lt;` is decoded: a comparison, skipped.
    let reasons = skipped_reasons(&r);
    assert!(reasons.iter().any(|s| s.contains("`<`")), "{reasons:?}");
    // The wrong-class line holds only under its condition k ≠ y.
    let bad = post.replace(r"For a wrong class \(k \ne y\):", "For any class");
    let r = audit_text(
        &bad,
        PostKind::Html,
        include_str!("../derivations/log_sum_exp.deriv"),
    );
    assert_eq!(
        false_lines(&r),
        vec![line_of(&bad, r"\partial L / \partial s_k = p_k\)")]
    );
}

#[test]
fn a_latex_post_is_audited_end_to_end() {
    let post = include_str!("fixtures/audit/softmax.tex");
    let with = include_str!("../derivations/softmax_cross_entropy.deriv");
    let r = audit_text(post, PostKind::Latex, with);
    assert!(r.ok());
    // The comment's `$x = 1$` is not read; the align* rows form one chain.
    assert!(!r.lines.iter().any(|l| l.text.contains("x = 1")));
    let align = line_of(post, r"\frac{\partial p_j}{\partial s_k}");
    let l = r.lines.iter().find(|l| l.pos.line == align).expect("align");
    assert!(matches!(&l.verdict, Verdict::Holds(c) if c.links.len() == 3));
    let bad = post.replace(
        r"&= p_j \delta_{jk} - p_j p_k",
        r"&= p_j \delta_{jk} - p_k p_k",
    );
    let r = audit_text(&bad, PostKind::Latex, with);
    assert_eq!(false_lines(&r), vec![align]);
}

#[test]
fn unreadable_posts_exit_2_with_line_and_column() {
    let with = repo("derivations/softmax_cross_entropy.deriv");
    let cases = [
        ("unclosed_paren.md", "The loss\nis \\(L = -\\log p_y\n"),
        ("unclosed_display.md", "$$\np_k - q_k\n"),
        ("unclosed_bracket.md", "ok \\(a = a\\) then \\[ b\n"),
        (
            "unclosed_script.html",
            "<p>x</p>\n<script type=\"math/tex\">p_k\n",
        ),
        ("unclosed_env.tex", "text\n\\begin{equation}\np_k = p_k\n"),
    ];
    let mut all = Vec::new();
    for (name, text) in cases {
        let path = write_temp(name, text);
        let o = run(&[
            "audit",
            path.to_str().unwrap(),
            "--with",
            with.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2), "{name}: {}", stdout(&o));
        let err = stderr(&o);
        let err = err.replace(path.to_str().unwrap(), name);
        all.push(err);
    }
    insta::assert_snapshot!(all.join("\n"));
}

#[test]
fn an_undeclared_symbol_is_skipped_not_guessed() {
    let post = r"Let \(Z = \sum_m e^{s_m}\) and \(\sum_{j=1}^{N} q_j = 1\).";
    let with = include_str!("../derivations/softmax_cross_entropy.deriv");
    let r = audit_text(post, PostKind::Markdown, with);
    let reasons = skipped_reasons(&r);
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(reasons[0].contains('Z'), "{reasons:?}");
    assert!(reasons[1].contains('N'), "{reasons:?}");
}

#[test]
fn the_readme_shows_the_audit_of_the_seed_post() {
    let readme = include_str!("../README.md");
    let start = readme
        .find("Audit of ../shared/seed/")
        .expect("the README shows the audit of the seed post");
    let end = start
        + readme[start..]
            .find("without a relation\n")
            .expect("its summary line");
    let shown = &readme[start..end + "without a relation\n".len()];
    let post = repo("tests/fixtures/audit/creating_the_learning_signal.txt");
    let with = repo("tests/fixtures/audit/softmax_cross_entropy_post.deriv");
    let o = run(&[
        "audit",
        post.to_str().unwrap(),
        "--with",
        with.to_str().unwrap(),
    ]);
    let out = stdout(&o).replace(
        post.to_str().unwrap(),
        "../shared/seed/000_92425c55272acc41.txt",
    );
    assert_eq!(out, shown, "README.md's audit output is out of date");
}

#[test]
fn renaming_the_symbols_gives_the_same_audit() {
    let post = include_str!("fixtures/audit/squared_error.md");
    let with = include_str!("../derivations/squared_error.deriv");
    let rename = |t: &str| {
        t.replace("p_", "r_")
            .replace("q_", "t_")
            .replace("s_", "z_")
    };
    let a = audit_text(post, PostKind::Markdown, with);
    let b = audit_text(&rename(post), PostKind::Markdown, &rename(with));
    assert_eq!(a.lines.len(), b.lines.len());
    for (x, y) in a.lines.iter().zip(&b.lines) {
        assert_eq!(x.pos, y.pos);
        assert_eq!(rename(&x.text), y.text);
        match (&x.verdict, &y.verdict) {
            (Verdict::Holds(c), Verdict::Holds(d)) => {
                let rules = |c: &gradproof::audit::statement::Checked| -> Vec<_> {
                    c.links.iter().map(|l| l.rules.clone()).collect()
                };
                assert_eq!(rules(c), rules(d), "line {}", x.pos.line);
            }
            (Verdict::Skipped { .. }, Verdict::Skipped { .. }) => {}
            (v, w) => panic!("line {}: {v:?} became {w:?}", x.pos.line),
        }
    }
}

#[test]
fn a_with_file_with_its_own_show_block_lends_only_its_declarations() {
    let post = include_str!("fixtures/audit/softmax.tex");
    let plain = include_str!("../derivations/softmax_cross_entropy.deriv");
    let by_hand = include_str!("../derivations/softmax_cross_entropy_by_hand.deriv");
    assert!(by_hand.contains("\nshow "));
    let a = audit_text(post, PostKind::Latex, plain);
    let b = audit_text(post, PostKind::Latex, by_hand);
    assert!(b.ok());
    assert_eq!(a.counts(), b.counts());
}

#[test]
fn katex_annotations_are_read_and_code_comments_and_prices_are_not() {
    let post = concat!(
        "<p>Rendered by KaTeX: <span class=\"katex\"><math><semantics><mrow><mi>p</mi></mrow>",
        "<annotation encoding=\"application/x-tex\">\\frac{\\partial L}{\\partial s_k} = ",
        "p_k - \\delta_{ky}</annotation></semantics></math>",
        "<span class=\"katex-html\">p</span></span></p>\n",
        "<pre>\\(x = 2\\)</pre> <code>\\(y = 3\\)</code> <!-- \\(z = 4\\) -->\n",
        "<p>It costs from $5 to $6.</p>\n",
    );
    let with = include_str!("../derivations/log_sum_exp.deriv");
    let r = audit_text(post, PostKind::Html, with);
    assert_eq!(r.formulas, 1, "{:?}", r.lines);
    assert!(matches!(r.lines[0].verdict, Verdict::Holds(_)));
    assert_eq!(r.lines[0].pos.line, 1);
    // Pandoc's rule for inline `$`: prices are text.
    let with = "var x real\n";
    let r = audit_text("It costs $20,000 and $30,000.", PostKind::Markdown, with);
    assert_eq!(r.formulas, 0);
    let r = audit_text("Then $ 5 $ and $x = x$.", PostKind::Markdown, with);
    assert_eq!(r.formulas, 1);
    assert_eq!(r.lines[0].text, "x = x");
}

#[test]
fn a_bad_with_file_or_a_missing_post_exits_2() {
    let post = repo("tests/fixtures/audit/squared_error.md");
    let bad = write_temp("bad.deriv", "index j in 1..K\nlet L = exp(s_j\n");
    let o = run(&[
        "audit",
        post.to_str().unwrap(),
        "--with",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("bad.deriv:2:"), "{}", stderr(&o));
    let with = repo("derivations/squared_error.deriv");
    let o = run(&["audit", "no/such/post.md", "--with", with.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no/such/post.md"), "{}", stderr(&o));
}

/// Pieces of posts, glued at random.
const POST_PIECES: &[&str] = &[
    "$",
    "$$",
    r"\(",
    r"\)",
    r"\[",
    r"\]",
    "p_k = p_k",
    " text ",
    "\n",
    "\n\n",
    ":",
    ".",
    "`",
    "```",
    "<script type=\"math/tex\">",
    "</script>",
    "<pre>",
    "</pre>",
    "<!--",
    "-->",
    r"\begin{align*}",
    r"\end{align*}",
    "%",
    "&amp;",
    "&",
    r"\\",
    "é",
    r"\$",
    "5",
    "<annotation encoding=\"application/x-tex\">",
    "</annotation>",
    r"j \ne k",
    "<",
    r"\text{ for all } j \ne k",
    ",",
    r"\qquad",
    r"\boxed{p_j = p_j}",
    r"\dfrac{1}{p_j}",
];

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config::with_cases(200))]
    #[test]
    fn random_posts_never_panic(picks in proptest::collection::vec(0..POST_PIECES.len(), 0..30)) {
        let text: String = picks.iter().map(|&n| POST_PIECES[n]).collect();
        let with = "index j, k in 1..K\nvar p_j real\n";
        let problem = parse_problem(with).expect("parses");
        let check = CheckOptions { samples: 1, sizes: vec![2], ..CheckOptions::default() };
        let ctx = AuditContext { with_text: with, problem: &problem, check: &check, limits: Limits::default() };
        for kind in [PostKind::Markdown, PostKind::Html, PostKind::Latex] {
            if let Err(e) = audit(&text, kind, &ctx) {
                proptest::prop_assert!(e.pos.line >= 1 && e.pos.column >= 1);
            }
        }
    }
}

#[test]
fn e_to_a_power_is_not_guessed_when_the_file_declares_e() {
    let with = "var e positive\nvar x real\n";
    let r = audit_text(r"\(e^{x} = e^{x}\) and \(x = x\)", PostKind::Markdown, with);
    let reasons = skipped_reasons(&r);
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    assert!(reasons[0].contains("`e`"), "{reasons:?}");
    let without_e = "var x real\n";
    let r = audit_text(r"\(e^{x} = e^{x}\)", PostKind::Markdown, without_e);
    assert!(matches!(r.lines[0].verdict, Verdict::Holds(_)));
}
