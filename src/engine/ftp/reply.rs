//! Replies from the server and what they say: codes, texts, FEAT features, the PWD path, and
//! the error a refusal becomes (with the command verb only, never its arguments).

use suppaftp::types::Response;

use crate::engine::error::EngineError;

/// One complete reply: its code and its text, lines joined with `\n`, line endings removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub code: u16,
    pub text: String,
}

impl Reply {
    /// A reply before the session's character set applies (greeting, `AUTH TLS`): lossy UTF-8.
    pub fn from_response(response: &Response) -> Reply {
        Reply::from_text(&String::from_utf8_lossy(&response.body))
    }

    /// A reply from its text (decoded by the control connection, see `Codec`).
    pub fn from_text(text: &str) -> Reply {
        let code = text
            .get(..3)
            .and_then(|digits| digits.parse().ok())
            .unwrap_or(0);
        let lines: Vec<&str> = text.lines().map(|l| l.trim_end_matches('\r')).collect();
        Reply {
            code,
            text: lines.join("\n"),
        }
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.code)
    }

    pub fn is_preliminary(&self) -> bool {
        (100..200).contains(&self.code)
    }

    /// The last line without its code, e.g. `No such file or directory`.
    pub fn message(&self) -> String {
        let last = self.text.lines().last().unwrap_or("");
        last.get(4..).unwrap_or("").trim().to_string()
    }

    /// The error for a command this reply refused.
    pub fn refused(&self, command: &str) -> EngineError {
        EngineError::Refused {
            command: command_verb(command),
            code: self.code,
            text: self.message(),
        }
    }
}

/// The verb of a command line (`RETR` of `RETR file`), never its arguments: `PASS` must not
/// carry its argument into an error message.
pub fn command_verb(command: &str) -> String {
    command.split(' ').next().unwrap_or("").to_ascii_uppercase()
}

/// What FEAT said the server can do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Features {
    pub lines: Vec<String>,
    pub mlst: bool,
    pub rest_stream: bool,
    pub utf8: bool,
    pub size: bool,
    pub mdtm: bool,
}

impl Features {
    pub fn parse(reply: &Reply) -> Features {
        let lines: Vec<String> = reply
            .text
            .lines()
            .filter(|line| line.starts_with(' '))
            .map(|line| line.trim().to_string())
            .filter(|line| !line.is_empty())
            .collect();
        let has = |name: &str| {
            lines.iter().any(|line| {
                line.split(' ')
                    .next()
                    .is_some_and(|verb| verb.eq_ignore_ascii_case(name))
            })
        };
        Features {
            mlst: has("MLST"),
            rest_stream: lines
                .iter()
                .any(|line| line.eq_ignore_ascii_case("REST STREAM")),
            utf8: has("UTF8"),
            size: has("SIZE"),
            mdtm: has("MDTM"),
            lines,
        }
    }
}

/// The directory in `257 "/some ""quoted"" dir" is current`.
pub fn parse_pwd(reply: &Reply) -> Option<String> {
    let text = reply.text.lines().next()?;
    let start = text.find('"')? + 1;
    let mut path = String::new();
    let mut chars = text[start..].chars().peekable();
    while let Some(c) = chars.next() {
        if c == '"' {
            if chars.peek() == Some(&'"') {
                chars.next();
                path.push('"');
            } else {
                return Some(path);
            }
        } else {
            path.push(c);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(text: &str) -> Reply {
        Reply {
            code: text[..3].parse().unwrap(),
            text: text.to_string(),
        }
    }

    #[test]
    fn pwd_reply_with_quotes_inside() {
        assert_eq!(
            parse_pwd(&reply(r#"257 "/a ""b"" c" is current directory"#)),
            Some(r#"/a "b" c"#.to_string())
        );
        assert_eq!(parse_pwd(&reply("257 no quotes")), None);
    }

    #[test]
    fn features_from_a_feat_reply() {
        let feat =
            reply("211-Features:\n MLST type*;size*;modify*;\n REST STREAM\n UTF8\n SIZE\n211 End");
        let features = Features::parse(&feat);
        assert!(features.mlst && features.rest_stream && features.utf8 && features.size);
        assert!(!features.mdtm);
        assert_eq!(features.lines.len(), 4);
    }

    #[test]
    fn error_messages_carry_the_verb_only() {
        let refused = reply("530 Login incorrect").refused("PASS secret");
        assert!(!refused.to_string().contains("secret"));
    }
}
