//! Recursive-descent parser.
//!
//! Precedence, loosest first: `or`/`||`, `and`/`&&`, `not`/`!`, then
//! parentheses and single conditions — so `a or b and c` is `a or (b and c)`.

use super::QueryError;
use super::ast::{CompareOp, Condition, Expr, Pattern, Predicate, Subject};
use super::lexer::{Tok, Token, tokenize};
use super::literal::Literal;

/// Nesting limit for parentheses and `not`, so hostile input cannot overflow
/// the stack of the parser, evaluator or destructor.
const MAX_DEPTH: usize = 64;

const OPERATOR_HINT: &str = "an operator (==, !=, in, =~, exists, ...)";
const SUBJECT_HINT: &str = "a condition such as `attribute:<name> == value` \
     (subjects: attribute:<name>, task:group, runningTasksCount, agentConnected, \
     agentVersion, ec2InstanceId, registeredAt)";

impl Expr {
    /// Parses a `memberOf` expression, once, when the scenario is resolved. An error names
    /// the column and what was expected there: besides syntax, nesting deeper than 64
    /// levels, an unknown subject, an operator `task:group` does not support, an invalid
    /// regex, and a `registeredAt` argument that is neither a date nor a number.
    pub fn parse(input: &str) -> Result<Expr, QueryError> {
        let tokens = tokenize(input)?;
        let mut parser = Parser {
            input,
            tokens,
            pos: 0,
            depth: 0,
        };
        let expr = parser.or_expr()?;
        if let Some(token) = parser.peek() {
            return Err(parser.error_at(
                token.start,
                format!(
                    "expected `and`, `or` or the end of the expression, found {}",
                    describe(&token.tok)
                ),
            ));
        }
        Ok(expr)
    }
}

impl std::str::FromStr for Expr {
    type Err = QueryError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Expr::parse(s)
    }
}

struct Parser<'a> {
    input: &'a str,
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
}

fn keyword(tok: &Tok, kw: &str) -> bool {
    matches!(tok, Tok::Word(w) if w.eq_ignore_ascii_case(kw))
}

fn describe(tok: &Tok) -> String {
    match tok {
        Tok::Word(w) => format!("`{w}`"),
        Tok::Quoted(q) => format!("quoted string \"{q}\""),
        Tok::LParen => "`(`".into(),
        Tok::RParen => "`)`".into(),
        Tok::LBracket => "`[`".into(),
        Tok::RBracket => "`]`".into(),
        Tok::Comma => "`,`".into(),
        Tok::EqEq => "`==`".into(),
        Tok::NotEq => "`!=`".into(),
        Tok::Gt => "`>`".into(),
        Tok::Ge => "`>=`".into(),
        Tok::Lt => "`<`".into(),
        Tok::Le => "`<=`".into(),
        Tok::Match => "`=~`".into(),
        Tok::NotMatch => "`!~`".into(),
        Tok::AndAnd => "`&&`".into(),
        Tok::OrOr => "`||`".into(),
        Tok::Bang => "`!`".into(),
    }
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn peek_tok(&self, ahead: usize) -> Option<&Tok> {
        self.tokens.get(self.pos + ahead).map(|t| &t.tok)
    }

    fn advance(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.pos).cloned();
        if token.is_some() {
            self.pos += 1;
        }
        token
    }

    fn error_at(&self, offset: usize, message: impl Into<String>) -> QueryError {
        QueryError::new(self.input, offset, message)
    }

    /// Error for a missing `what`: points at the next token if there is one,
    /// otherwise just after the previous token (where `what` was expected).
    fn expected(&self, what: &str, after: Option<&str>) -> QueryError {
        let after = after.map(|a| format!(" after `{a}`")).unwrap_or_default();
        match self.peek() {
            Some(token) => self.error_at(
                token.start,
                format!("expected {what}{after}, found {}", describe(&token.tok)),
            ),
            None => {
                let end = self.pos.checked_sub(1).map_or(0, |i| self.tokens[i].end);
                self.error_at(end, format!("expected {what}{after}"))
            }
        }
    }

    fn or_expr(&mut self) -> Result<Expr, QueryError> {
        let mut items = vec![self.and_expr()?];
        while let Some(tok) = self.peek_tok(0) {
            if !(matches!(tok, Tok::OrOr) || keyword(tok, "or")) {
                break;
            }
            self.advance();
            items.push(self.and_expr()?);
        }
        Ok(if items.len() == 1 {
            items.swap_remove(0)
        } else {
            Expr::Or(items)
        })
    }

    fn and_expr(&mut self) -> Result<Expr, QueryError> {
        let mut items = vec![self.unary()?];
        while let Some(tok) = self.peek_tok(0) {
            if !(matches!(tok, Tok::AndAnd) || keyword(tok, "and")) {
                break;
            }
            self.advance();
            items.push(self.unary()?);
        }
        Ok(if items.len() == 1 {
            items.swap_remove(0)
        } else {
            Expr::And(items)
        })
    }

    fn unary(&mut self) -> Result<Expr, QueryError> {
        let Some(token) = self.peek().cloned() else {
            return Err(self.expected(SUBJECT_HINT, None));
        };
        if self.depth >= MAX_DEPTH {
            return Err(self.error_at(
                token.start,
                format!("expression nested more than {MAX_DEPTH} levels deep"),
            ));
        }
        match &token.tok {
            Tok::Bang => {
                self.advance();
                self.nested(|p| p.unary()).map(|e| Expr::Not(Box::new(e)))
            }
            tok if keyword(tok, "not") => {
                self.advance();
                self.nested(|p| p.unary()).map(|e| Expr::Not(Box::new(e)))
            }
            Tok::LParen => {
                self.advance();
                let inner = self.nested(|p| p.or_expr())?;
                match self.peek_tok(0) {
                    Some(Tok::RParen) => {
                        self.advance();
                        Ok(inner)
                    }
                    _ => {
                        let open = QueryError::new(self.input, token.start, "").column;
                        Err(self.expected(&format!("`)` to close the `(` at column {open}"), None))
                    }
                }
            }
            Tok::Word(word) => {
                self.advance();
                let subject = self.subject(word, &token)?;
                let predicate = self.predicate(&subject, word)?;
                Ok(Expr::Condition(Condition { subject, predicate }))
            }
            _ => Err(self.expected(SUBJECT_HINT, None)),
        }
    }

    fn nested(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<Expr, QueryError>,
    ) -> Result<Expr, QueryError> {
        self.depth += 1;
        let result = f(self);
        self.depth -= 1;
        result
    }

    fn subject(&self, word: &str, token: &Token) -> Result<Subject, QueryError> {
        Ok(match word {
            "agentConnected" => Subject::AgentConnected,
            "agentVersion" => Subject::AgentVersion,
            "ec2InstanceId" => Subject::Ec2InstanceId,
            "registeredAt" => Subject::RegisteredAt,
            "runningTasksCount" => Subject::RunningTasksCount,
            "task:group" => Subject::TaskGroup,
            _ => match word.strip_prefix("attribute:") {
                Some("") => {
                    return Err(
                        self.error_at(token.end, "expected an attribute name after `attribute:`")
                    );
                }
                Some(name) => Subject::Attribute(name.to_string()),
                None => {
                    return Err(self.error_at(
                        token.start,
                        format!("expected {SUBJECT_HINT}, found `{word}`"),
                    ));
                }
            },
        })
    }

    fn predicate(
        &mut self,
        subject: &Subject,
        subject_text: &str,
    ) -> Result<Predicate, QueryError> {
        let Some(op_token) = self.peek().cloned() else {
            return Err(self.expected(OPERATOR_HINT, Some(subject_text)));
        };
        let op = &op_token.tok;
        let negated_keyword =
            |kw: &str| matches!(op, Tok::Bang) && self.peek_tok(1).is_some_and(|t| keyword(t, kw));
        enum Kind {
            Compare(CompareOp),
            Exists(bool),
            In(bool),
            Matches(bool),
        }
        let (kind, width) = match op {
            Tok::EqEq => (Kind::Compare(CompareOp::Eq), 1),
            Tok::NotEq => (Kind::Compare(CompareOp::Ne), 1),
            Tok::Gt => (Kind::Compare(CompareOp::Gt), 1),
            Tok::Ge => (Kind::Compare(CompareOp::Ge), 1),
            Tok::Lt => (Kind::Compare(CompareOp::Lt), 1),
            Tok::Le => (Kind::Compare(CompareOp::Le), 1),
            Tok::Match => (Kind::Matches(true), 1),
            Tok::NotMatch => (Kind::Matches(false), 1),
            _ if negated_keyword("exists") => (Kind::Exists(false), 2),
            _ if negated_keyword("in") => (Kind::In(false), 2),
            tok => {
                let named = [
                    ("equals", Kind::Compare(CompareOp::Eq)),
                    ("not_equals", Kind::Compare(CompareOp::Ne)),
                    ("greater_than", Kind::Compare(CompareOp::Gt)),
                    ("greater_than_equal", Kind::Compare(CompareOp::Ge)),
                    ("less_than", Kind::Compare(CompareOp::Lt)),
                    ("less_than_equal", Kind::Compare(CompareOp::Le)),
                    ("exists", Kind::Exists(true)),
                    ("not_exists", Kind::Exists(false)),
                    ("in", Kind::In(true)),
                    ("not_in", Kind::In(false)),
                    ("matches", Kind::Matches(true)),
                    ("not_matches", Kind::Matches(false)),
                ];
                match named.into_iter().find(|(kw, _)| keyword(tok, kw)) {
                    Some((_, kind)) => (kind, 1),
                    None => return Err(self.expected(OPERATOR_HINT, Some(subject_text))),
                }
            }
        };
        let op_text = &self.input[op_token.start..self.tokens[self.pos + width - 1].end];
        let op_text = op_text.to_string();
        if *subject == Subject::TaskGroup
            && !matches!(
                kind,
                Kind::Compare(CompareOp::Eq | CompareOp::Ne) | Kind::In(_)
            )
        {
            return Err(self.error_at(
                op_token.start,
                format!(
                    "operator `{op_text}` is not supported for task:group; use ==, !=, in or !in"
                ),
            ));
        }
        self.pos += width;
        let as_date = *subject == Subject::RegisteredAt;
        Ok(match kind {
            Kind::Compare(cmp) => Predicate::Compare(cmp, self.value(&op_text, as_date)?),
            Kind::Exists(true) => Predicate::Exists,
            Kind::Exists(false) => Predicate::NotExists,
            Kind::In(positive) => {
                let list = self.list(&op_text, as_date)?;
                if positive {
                    Predicate::In(list)
                } else {
                    Predicate::NotIn(list)
                }
            }
            Kind::Matches(positive) => {
                let start = self.peek().map_or(self.input.len(), |t| t.start);
                let source = self.value(&op_text, false)?.text().to_string();
                let pattern = Pattern::new(source).map_err(|e| {
                    self.error_at(start, format!("invalid regular expression: {e}"))
                })?;
                if positive {
                    Predicate::Matches(pattern)
                } else {
                    Predicate::NotMatches(pattern)
                }
            }
        })
    }

    fn value(&mut self, after: &str, as_date: bool) -> Result<Literal, QueryError> {
        match self.peek_tok(0) {
            Some(Tok::Word(text) | Tok::Quoted(text)) => {
                let literal = Literal::new(text.clone(), as_date);
                // A registeredAt argument that is neither a date nor a number would compare
                // as text with the instance's registration time, which means nothing.
                if as_date && literal.number().is_none() {
                    let start = self.peek().map_or(self.input.len(), |t| t.start);
                    let looks_like_a_date = text.len() >= 10
                        && text.as_bytes()[4] == b'-'
                        && text.as_bytes()[7] == b'-';
                    let hint = if looks_like_a_date {
                        " (is that day in its month?)"
                    } else {
                        ""
                    };
                    return Err(self.error_at(
                        start,
                        format!(
                            "registeredAt compares with a date, simulated time zero being 1970-01-01T00:00:00Z (so 1970-01-01T02:00:00Z is two hours in), or with milliseconds since time zero; `{text}` is neither{hint}"
                        ),
                    ));
                }
                self.advance();
                Ok(literal)
            }
            _ => Err(self.expected("a value", Some(after))),
        }
    }

    fn list(&mut self, after: &str, as_date: bool) -> Result<Vec<Literal>, QueryError> {
        if !matches!(self.peek_tok(0), Some(Tok::LBracket)) {
            return Err(self.expected("a list like `[a, b]`", Some(after)));
        }
        self.advance();
        let mut items = vec![self.value("[", as_date)?];
        loop {
            match self.peek_tok(0) {
                Some(Tok::Comma) => {
                    self.advance();
                    items.push(self.value(",", as_date)?);
                }
                Some(Tok::RBracket) => {
                    self.advance();
                    return Ok(items);
                }
                _ => return Err(self.expected("`,` or `]` in the list", None)),
            }
        }
    }
}
