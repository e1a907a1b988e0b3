//! Parser structure, error positions and robustness.

use super::{CompareOp, Condition, Expr, Predicate, Subject};
use proptest::prelude::*;

fn parse(s: &str) -> Expr {
    match Expr::parse(s) {
        Ok(e) => e,
        Err(e) => panic!("{s:?}: {e}"),
    }
}

fn attr_eq(name: &str, value: &str) -> Expr {
    parse(&format!("attribute:{name} == {value}"))
}

#[test]
fn or_binds_looser_than_and() {
    let e = parse("attribute:a == 1 or attribute:b == 2 and attribute:c == 3");
    let expected = Expr::Or(vec![
        attr_eq("a", "1"),
        Expr::And(vec![attr_eq("b", "2"), attr_eq("c", "3")]),
    ]);
    assert_eq!(e, expected);
    let e = parse("attribute:a == 1 && attribute:b == 2 || attribute:c == 3");
    assert_eq!(
        e,
        Expr::Or(vec![
            Expr::And(vec![attr_eq("a", "1"), attr_eq("b", "2")]),
            attr_eq("c", "3"),
        ])
    );
}

#[test]
fn not_binds_tighter_than_and() {
    let e = parse("not attribute:a == 1 and attribute:b == 2");
    assert_eq!(
        e,
        Expr::And(vec![
            Expr::Not(Box::new(attr_eq("a", "1"))),
            attr_eq("b", "2")
        ])
    );
}

#[test]
fn condition_shapes() {
    let e = parse("attribute:ecs.availability-zone in [us-east-1a, \"us-east-1b\"]");
    let Expr::Condition(Condition {
        subject,
        predicate: Predicate::In(items),
    }) = e
    else {
        panic!("not an in-condition");
    };
    assert_eq!(subject, Subject::Attribute("ecs.availability-zone".into()));
    let texts: Vec<_> = items.iter().map(|l| l.text()).collect();
    assert_eq!(texts, ["us-east-1a", "us-east-1b"]);
    assert!(matches!(
        parse("runningTasksCount less_than_equal 3"),
        Expr::Condition(Condition {
            subject: Subject::RunningTasksCount,
            predicate: Predicate::Compare(CompareOp::Le, _)
        })
    ));
    assert!(matches!(
        parse("attribute:stack !exists"),
        Expr::Condition(Condition {
            predicate: Predicate::NotExists,
            ..
        })
    ));
    assert!(matches!(
        parse("attribute:stack ! in [a]"),
        Expr::Condition(Condition {
            predicate: Predicate::NotIn(_),
            ..
        })
    ));
}

#[test]
fn referenced_attributes_are_deduplicated_in_order() {
    let e = parse(
        "attribute:stack == prod and (attribute:ecs.instance-type =~ t3.* or \
         not attribute:stack exists) and task:group == web",
    );
    assert_eq!(e.referenced_attributes(), ["stack", "ecs.instance-type"]);
    assert!(
        parse("runningTasksCount == 0")
            .referenced_attributes()
            .is_empty()
    );
}

#[test]
fn display_round_trips() {
    for q in [
        "attribute:a == 1 or attribute:b == 2 and not (attribute:c in [x, \"y z\"])",
        "(attribute:a exists or task:group != db) and attribute:t =~ \"t3\\\\..*\"",
        "registeredAt >= 2018-06-18T22:28:28+00:00",
    ] {
        let e = parse(q);
        assert_eq!(parse(&e.to_string()), e, "{q} -> {e}");
    }
}

fn error(s: &str) -> (usize, usize, String) {
    match Expr::parse(s) {
        Ok(e) => panic!("{s:?} parsed as {e:?}"),
        Err(e) => (e.offset, e.column, e.to_string()),
    }
}

#[test]
fn missing_operator_error() {
    let (offset, column, msg) = error("attribute:stack");
    assert_eq!((offset, column), (15, 16));
    assert_eq!(
        msg,
        "expected an operator (==, !=, in, =~, exists, ...) after `attribute:stack` at column 16"
    );
    let (offset, _, msg) = error("attribute:stack prod");
    assert_eq!(offset, 16);
    assert!(msg.contains("found `prod`"), "{msg}");
}

#[test]
fn registered_at_needs_a_real_date() {
    // Offsets count bytes: the argument starts after "registeredAt >= " (16 bytes).
    let (offset, _, msg) = error("registeredAt >= 2018-02-30");
    assert_eq!(offset, 16);
    assert!(
        msg.contains("`2018-02-30` is neither (is that day in its month?)"),
        "{msg}"
    );
    let (offset, _, msg) = error("registeredAt in [2018-06-18, yesterday]");
    assert_eq!(offset, 29);
    assert!(
        msg.ends_with("`yesterday` is neither at column 30"),
        "{msg}"
    );
    assert!(Expr::parse("registeredAt in [2018-06-18, 1529360908000]").is_ok());
}

#[test]
fn error_positions() {
    assert_eq!(error("").0, 0);
    assert_eq!(error("attribute:a ==").0, 14);
    assert_eq!(error("attribute:a == 1 and").0, 20);
    assert_eq!(error("attribute:a == 1 attribute:b == 2").0, 17);
    assert_eq!(error("stack == prod").0, 0);
    assert_eq!(error("attribute: == x").0, 10);
    let (offset, _, msg) = error("(attribute:a == 1");
    assert_eq!(offset, 17);
    assert!(msg.contains("close the `(` at column 1"), "{msg}");
    assert_eq!(error("attribute:a in [x,]").0, 18);
    assert_eq!(error("attribute:a in x").0, 15);
    assert_eq!(error("attribute:a in [x y]").0, 18);
    let (offset, _, msg) = error("attribute:a =~ 'a('");
    assert_eq!(offset, 15);
    assert!(msg.contains("invalid regular expression"), "{msg}");
    let (offset, _, msg) = error("task:group =~ web.*");
    assert_eq!(offset, 11);
    assert!(msg.contains("not supported for task:group"), "{msg}");
    // Columns count characters, offsets count bytes.
    let (offset, column, _) = error("attribute:zé == 'x");
    assert_eq!((offset, column), (17, 17));
}

#[test]
fn deep_nesting_is_rejected_not_overflowed() {
    let deep = format!(
        "{}attribute:a exists{}",
        "(".repeat(10_000),
        ")".repeat(10_000)
    );
    assert!(error(&deep).2.contains("nested"));
    let nots = format!("{}attribute:a exists", "! ".repeat(10_000));
    assert!(Expr::parse(&nots).is_err());
    let ok = format!("{}attribute:a exists{}", "(".repeat(60), ")".repeat(60));
    parse(&ok);
    let long_chain = vec!["attribute:a exists"; 50_000].join(" or ");
    parse(&long_chain);
}

proptest! {
    #[test]
    fn arbitrary_strings_never_panic(s in "\\PC{0,64}") {
        let _ = Expr::parse(&s);
    }

    #[test]
    fn query_like_strings_never_panic(
        s in "(attribute:[a-z.]{1,5}|task:group|runningTasksCount|registeredAt| |==|!=|!|>=|<|=~|!~|in|not|and|or|&&|\\|\\||exists|\\[|\\]|,|\\(|\\)|'|\"|[a-z0-9.*-]{1,4}|é){0,16}"
    ) {
        if let Ok(e) = Expr::parse(&s) {
            // Whatever parses must print back to the same tree.
            prop_assert_eq!(Expr::parse(&e.to_string()).ok(), Some(e));
        }
    }
}
