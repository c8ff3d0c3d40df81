//! The layout engine: a flat list of [`Cmd`]s (text, break opportunities, groups) printed in
//! one pass within a line width, after Oppen's and Lindig's pretty printers. A group is laid out
//! flat when it fits on the rest of the line, and broken otherwise; the decision is made when the
//! group starts, by measuring ahead.
//!
//! One rule differs from the textbook: measuring stops at the first forced line break inside the
//! group, so `Ok(Self {` stays on one line and the struct's fields break below it, the way
//! rustfmt lays out a call whose last argument is a block.

/// One layout instruction. Text points into the buffer the lexer and builder write to.
#[derive(Clone, Copy, Debug)]
pub(super) enum Cmd {
    Text {
        at: u32,
        len: u32,
        width: u32,
    },
    /// Static text.
    Str(&'static str),
    /// A space when the group is flat, a line break when it is broken.
    Line,
    /// Nothing when flat, a line break when broken.
    Soft,
    /// Always a line break.
    Hard,
    Begin,
    End,
    /// Unconditional indentation, for blocks.
    Indent,
    Dedent,
    /// Indentation that applies only if the enclosing group breaks (argument lists).
    IndentIfBroken,
    DedentIfBroken,
    /// A comma when the enclosing group breaks (the first flag) or stays flat (the second):
    /// trailing commas.
    CommaIf(bool, bool),
}

const INDENT: usize = 4;

/// Prints `cmds` (texts in `text`) into `out`, at most `width` columns where it can.
pub(super) fn render(cmds: &[Cmd], text: &str, width: usize, out: &mut String) {
    let mut r = Renderer {
        out,
        col: 0,
        indent: 0,
        at_line_start: true,
        broken: vec![true],
        conditional: Vec::new(),
    };
    for (i, cmd) in cmds.iter().enumerate() {
        match *cmd {
            Cmd::Text { at, len, width } => {
                r.write(&text[at as usize..(at + len) as usize], width as usize)
            }
            Cmd::Str(s) => r.write(s, s.len()),
            Cmd::Line if r.is_broken() => r.newline(),
            Cmd::Line => r.write(" ", 1),
            Cmd::Soft if r.is_broken() => r.newline(),
            Cmd::Soft => {}
            Cmd::Hard => r.newline(),
            Cmd::Begin => {
                let col = if r.at_line_start { r.indent } else { r.col };
                let avail = width.saturating_sub(col);
                let flat = fits(&cmds[i + 1..], avail);
                r.broken.push(!flat);
            }
            Cmd::End => {
                r.broken.pop();
            }
            Cmd::Indent => r.indent += INDENT,
            Cmd::Dedent => r.indent = r.indent.saturating_sub(INDENT),
            Cmd::IndentIfBroken => {
                let b = r.is_broken();
                r.conditional.push(b);
                if b {
                    r.indent += INDENT;
                }
            }
            Cmd::DedentIfBroken => {
                if r.conditional.pop() == Some(true) {
                    r.indent = r.indent.saturating_sub(INDENT);
                }
            }
            Cmd::CommaIf(broken, flat) => {
                if (r.is_broken() && broken) || (!r.is_broken() && flat) {
                    r.write(",", 1);
                }
            }
        }
    }
    if !r.at_line_start {
        r.out.push('\n');
    }
}

struct Renderer<'o> {
    out: &'o mut String,
    col: usize,
    indent: usize,
    /// Indentation is written with the line's first text, so blank lines carry no spaces.
    at_line_start: bool,
    /// Per open group, whether it is broken; the bottom entry is the file, always broken.
    broken: Vec<bool>,
    conditional: Vec<bool>,
}

impl Renderer<'_> {
    fn is_broken(&self) -> bool {
        self.broken.last().copied().unwrap_or(true)
    }

    fn write(&mut self, s: &str, width: usize) {
        if s.is_empty() {
            return;
        }
        if self.at_line_start {
            self.out.extend(std::iter::repeat_n(' ', self.indent));
            self.col = self.indent;
            self.at_line_start = false;
        }
        self.out.push_str(s);
        self.col += width;
    }

    fn newline(&mut self) {
        self.out.push('\n');
        self.col = 0;
        self.at_line_start = true;
    }
}

/// Whether the group whose contents start `cmds` fits in `avail` columns when laid out flat,
/// counting what follows it up to the next break opportunity (a `{` or `,` after a call).
fn fits(cmds: &[Cmd], avail: usize) -> bool {
    let mut used = 0usize;
    let mut depth = 0usize;
    let mut trailing = false;
    for cmd in cmds {
        match *cmd {
            Cmd::Text { width, .. } => used += width as usize,
            Cmd::Str(s) => used += s.len(),
            Cmd::CommaIf(_, flat) => used += usize::from(flat),
            Cmd::Line if trailing => return used <= avail,
            Cmd::Line => used += 1,
            Cmd::Soft if trailing => return used <= avail,
            Cmd::Soft => {}
            // A forced break ends the line being measured; see the module doc.
            Cmd::Hard => return used <= avail,
            Cmd::Begin => depth += 1,
            Cmd::End if depth == 0 => trailing = true,
            Cmd::End => depth -= 1,
            Cmd::Indent | Cmd::Dedent | Cmd::IndentIfBroken | Cmd::DedentIfBroken => {}
        }
        if used > avail {
            return false;
        }
    }
    true
}
