//! Spec text made safe for rustdoc. Titles, summaries and descriptions come from the spec as
//! Markdown-ish text and land in `//!` and `///` comments, where rustdoc would read an indented
//! or unlabelled code block as a doctest to compile, `[x]` as an intra-doc link to resolve,
//! `<status>` as an unclosed HTML tag and a bare URL as a lint. [`spec_text`] keeps the text
//! readable and turns those into what the author meant: text.

/// Spec text (one line or many) for a doc comment: code blocks become ` ```text ` blocks, and
/// outside code spans brackets are escaped, `<` is written `&lt;` and bare URLs become
/// autolinks. Inline links (`[guide](https://...)`) and code spans are kept as written.
pub fn spec_text(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    // The spec's own fence (its character and length), while inside it.
    let mut fence: Option<(char, usize)> = None;
    // Inside a ```text block opened here for indented lines.
    let mut indented = false;
    let mut prev_blank = true;
    for line in text.lines().map(str::trim_end) {
        let trimmed = line.trim_start();
        let indent: usize = line[..line.len() - trimmed.len()]
            .chars()
            .map(|c| if c == '\t' { 4 } else { 1 })
            .sum();
        if let Some((c, n)) = fence {
            if indent < 4 && fence_of(trimmed).is_some_and(|(c2, n2)| c2 == c && n2 >= n) {
                fence = None;
            }
            out.push(line.to_string());
        } else if indent < 4 && fence_of(trimmed).is_some() {
            close(&mut out, &mut indented);
            let (c, n) = fence_of(trimmed).unwrap_or(('`', 3));
            fence = Some((c, n));
            out.push(format!("{}text", c.to_string().repeat(n)));
        } else if indent >= 4 && (prev_blank || indented) && !trimmed.is_empty() {
            if !indented {
                out.push("```text".into());
                indented = true;
            }
            out.push(trimmed_columns(line, 4));
        } else {
            if !trimmed.is_empty() {
                close(&mut out, &mut indented);
            }
            out.push(inline(line));
        }
        prev_blank = trimmed.is_empty();
    }
    if indented || fence.is_some() {
        // An unclosed block would swallow whatever rustdoc appends.
        out.push(match fence {
            Some((c, n)) => c.to_string().repeat(n),
            None => "```".into(),
        });
    }
    out.join("\n")
}

/// Spec text for a single line (a title in `//!`): [`spec_text`] with line breaks as spaces,
/// so that nothing can end the comment.
pub fn spec_line(text: &str) -> String {
    let joined: Vec<&str> = text.split_whitespace().collect();
    inline(&joined.join(" "))
}

/// Ends the ```text block opened for indented lines, if one is open.
fn close(out: &mut Vec<String>, indented: &mut bool) {
    if *indented {
        while out.last().is_some_and(|l| l.is_empty()) {
            out.pop();
        }
        out.push("```".into());
        out.push(String::new());
        *indented = false;
    }
}

/// `line` without its first `n` columns of indentation (a tab is four).
fn trimmed_columns(line: &str, n: usize) -> String {
    let mut cols = 0;
    let mut rest = line;
    while cols < n {
        match rest.chars().next() {
            Some(' ') => cols += 1,
            Some('\t') => cols += 4,
            _ => break,
        }
        rest = &rest[1..];
    }
    rest.to_string()
}

/// The fence a line opens or closes (three or more backticks or tildes).
fn fence_of(trimmed: &str) -> Option<(char, usize)> {
    let c = trimmed.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let n = trimmed.chars().take_while(|x| *x == c).count();
    (n >= 3).then_some((c, n))
}

/// One line of prose: see [`spec_text`].
fn inline(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && chars.get(i + 1).is_some_and(char::is_ascii_punctuation) {
            // Already escaped by the author.
            out.extend(&chars[i..i + 2]);
            i += 2;
            continue;
        }
        let verbatim = match c {
            '`' => code_span_end(&chars, i),
            '[' => inline_link_end(&chars, i),
            '<' => autolink_end(&chars, i),
            _ => None,
        };
        if let Some(end) = verbatim {
            out.extend(&chars[i..end]);
            i = end;
            continue;
        }
        if (c == 'h') && (i == 0 || !chars[i - 1].is_alphanumeric()) && starts_url(&chars[i..]) {
            let end = url_end(&chars, i);
            out.push('<');
            out.extend(&chars[i..end]);
            out.push('>');
            i = end;
            continue;
        }
        match c {
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '<' => out.push_str("&lt;"),
            '`' => {
                // A run of backticks that closes nothing is literal text.
                let n = chars[i..].iter().take_while(|x| **x == '`').count();
                out.extend(&chars[i..i + n]);
                i += n;
                continue;
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

/// End of the code span opened by the backtick run at `i`, if a run of the same length
/// closes it on this line.
fn code_span_end(chars: &[char], i: usize) -> Option<usize> {
    let n = chars[i..].iter().take_while(|c| **c == '`').count();
    let mut j = i + n;
    while j < chars.len() {
        let m = chars[j..].iter().take_while(|c| **c == '`').count();
        if m == n {
            return Some(j + m);
        }
        j += m.max(1);
    }
    None
}

/// End of `[text](http...)` starting at `i`.
fn inline_link_end(chars: &[char], i: usize) -> Option<usize> {
    let close = i + chars[i..].iter().position(|c| *c == ']')?;
    if chars.get(close + 1) != Some(&'(') || !starts_url(&chars[close + 2..]) {
        return None;
    }
    let end = close + 2 + chars[close + 2..].iter().position(|c| *c == ')')?;
    Some(end + 1)
}

/// End of `<http...>` starting at `i`.
fn autolink_end(chars: &[char], i: usize) -> Option<usize> {
    if !starts_url(&chars[i + 1..]) {
        return None;
    }
    let end = i + chars[i..]
        .iter()
        .position(|c| *c == '>' || c.is_whitespace())?;
    (chars[end] == '>').then_some(end + 1)
}

fn starts_url(chars: &[char]) -> bool {
    let s: String = chars.iter().take(8).collect();
    s.starts_with("http://") || s.starts_with("https://")
}

/// A bare URL ends at whitespace, minus trailing punctuation that ends the sentence.
fn url_end(chars: &[char], i: usize) -> usize {
    let mut end = i + chars[i..]
        .iter()
        .position(|c| c.is_whitespace() || *c == '<' || *c == '>')
        .unwrap_or(chars.len() - i);
    while end > i
        && matches!(
            chars[end - 1],
            '.' | ',' | ';' | ':' | '!' | '?' | ')' | '\'' | '"'
        )
    {
        end -= 1;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_hazards_become_text() {
        assert_eq!(
            spec_text("One of [open, closed]. Use <status>, see https://x.io/a."),
            "One of \\[open, closed\\]. Use &lt;status>, see <https://x.io/a>."
        );
    }

    #[test]
    fn links_code_spans_and_autolinks_are_kept() {
        let s = "See [the guide](https://d.io/x), `ids[]` and <https://d.io>; `unclosed [x]";
        assert_eq!(
            spec_text(s),
            "See [the guide](https://d.io/x), `ids[]` and <https://d.io>; `unclosed \\[x\\]"
        );
    }

    #[test]
    fn code_blocks_are_never_doctests() {
        let s = "Statuses:\n\n    0: open\n    1: closed\n\nThen:\n```\nGET /x\n```\n";
        assert_eq!(
            spec_text(s),
            "Statuses:\n\n```text\n0: open\n1: closed\n```\n\nThen:\n```text\nGET /x\n```"
        );
        assert_eq!(spec_text("```rust\nfn x() {}"), "```text\nfn x() {}\n```");
    }

    #[test]
    fn a_line_cannot_escape_its_comment() {
        assert_eq!(
            spec_line("Title\nfn evil() {}\r\n[v1]"),
            "Title fn evil() {} \\[v1\\]"
        );
    }

    #[test]
    fn idempotent_on_safe_text() {
        for s in ["List RFIs", "Replaced by `kind`.", "a \\[b\\] &lt;c>"] {
            assert_eq!(spec_text(s), s);
        }
    }
}
