//! Tokeniser. Keywords (`and`, `in`, `exists`, ...) are left as words and
//! recognised by the parser from context, so a value such as `in` or `and`
//! can still be written bare where a value is expected.

use super::QueryError;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    /// Bare word: letters, digits and `. - _ * : / +`.
    Word(String),
    /// Quoted string with escapes resolved.
    Quoted(String),
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    EqEq,
    NotEq,
    Gt,
    Ge,
    Lt,
    Le,
    Match,
    NotMatch,
    AndAnd,
    OrOr,
    /// `!` on its own: logical not, or the start of `!in` / `!exists`.
    Bang,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub tok: Tok,
    pub start: usize,
    pub end: usize,
}

pub(crate) fn is_word_char(c: char) -> bool {
    // `+` is not in the documented set but appears in registeredAt dates
    // such as 2018-06-18T22:28:28+00:00.
    c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '*' | ':' | '/' | '+')
}

pub(crate) fn tokenize(input: &str) -> Result<Vec<Token>, QueryError> {
    let mut tokens = Vec::new();
    let mut chars = input.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        chars.next();
        let next = chars.peek().map(|&(_, n)| n);
        let mut two = |tok: Tok| {
            chars.next();
            (tok, start + 2)
        };
        let (tok, end) = match (c, next) {
            ('(', _) => (Tok::LParen, start + 1),
            (')', _) => (Tok::RParen, start + 1),
            ('[', _) => (Tok::LBracket, start + 1),
            (']', _) => (Tok::RBracket, start + 1),
            (',', _) => (Tok::Comma, start + 1),
            ('=', Some('=')) => two(Tok::EqEq),
            ('=', Some('~')) => two(Tok::Match),
            ('!', Some('=')) => two(Tok::NotEq),
            ('!', Some('~')) => two(Tok::NotMatch),
            ('!', _) => (Tok::Bang, start + 1),
            ('>', Some('=')) => two(Tok::Ge),
            ('>', _) => (Tok::Gt, start + 1),
            ('<', Some('=')) => two(Tok::Le),
            ('<', _) => (Tok::Lt, start + 1),
            ('&', Some('&')) => two(Tok::AndAnd),
            ('|', Some('|')) => two(Tok::OrOr),
            ('=', _) => {
                return Err(QueryError::new(
                    input,
                    start,
                    "unexpected `=`, did you mean `==` or `=~`?",
                ));
            }
            ('&', _) => {
                return Err(QueryError::new(
                    input,
                    start,
                    "unexpected `&`, did you mean `&&`?",
                ));
            }
            ('|', _) => {
                return Err(QueryError::new(
                    input,
                    start,
                    "unexpected `|`, did you mean `||`?",
                ));
            }
            ('"' | '\'', _) => {
                let mut text = String::new();
                let mut end = None;
                while let Some((i, ch)) = chars.next() {
                    match ch {
                        '\\' => match chars.next() {
                            Some((_, escaped)) => text.push(escaped),
                            None => break,
                        },
                        ch if ch == c => {
                            end = Some(i + 1);
                            break;
                        }
                        ch => text.push(ch),
                    }
                }
                match end {
                    Some(end) => (Tok::Quoted(text), end),
                    None => {
                        return Err(QueryError::new(
                            input,
                            start,
                            format!("unterminated string: expected a closing {c}"),
                        ));
                    }
                }
            }
            (c, _) if is_word_char(c) => {
                let mut end = start + c.len_utf8();
                while let Some(&(i, ch)) = chars.peek() {
                    if !is_word_char(ch) {
                        break;
                    }
                    end = i + ch.len_utf8();
                    chars.next();
                }
                (Tok::Word(input[start..end].to_string()), end)
            }
            (c, _) => {
                return Err(QueryError::new(
                    input,
                    start,
                    format!("unexpected character `{c}` (quote values that contain it)"),
                ));
            }
        };
        tokens.push(Token { tok, start, end });
    }
    Ok(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        tokenize(s).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn operators_and_words() {
        assert_eq!(
            toks("attribute:stack==prod"),
            vec![
                Tok::Word("attribute:stack".into()),
                Tok::EqEq,
                Tok::Word("prod".into())
            ]
        );
        assert_eq!(
            toks("a !exists && !(b>=1)||c!~'x\\'y'"),
            vec![
                Tok::Word("a".into()),
                Tok::Bang,
                Tok::Word("exists".into()),
                Tok::AndAnd,
                Tok::Bang,
                Tok::LParen,
                Tok::Word("b".into()),
                Tok::Ge,
                Tok::Word("1".into()),
                Tok::RParen,
                Tok::OrOr,
                Tok::Word("c".into()),
                Tok::NotMatch,
                Tok::Quoted("x'y".into()),
            ]
        );
    }

    #[test]
    fn spans_are_byte_offsets() {
        let t = tokenize("é == x").unwrap();
        assert_eq!((t[0].start, t[0].end), (0, 2));
        assert_eq!((t[1].start, t[1].end), (3, 5));
    }

    #[test]
    fn errors() {
        let e = tokenize("a = b").unwrap_err();
        assert_eq!((e.offset, e.column), (2, 3));
        let e = tokenize("a == \"open").unwrap_err();
        assert_eq!(e.offset, 5);
        assert!(tokenize("a == $x").unwrap_err().message.contains('$'));
    }
}
