//! Plain-text tables for people: a header line and rows in columns as wide as their widest
//! cell, numbers right-aligned so their digits line up.

/// How a column's cells sit in its width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// A column: its header and alignment.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub header: &'static str,
    pub align: Align,
}

impl Column {
    pub const fn left(header: &'static str) -> Column {
        Column {
            header,
            align: Align::Left,
        }
    }

    pub const fn right(header: &'static str) -> Column {
        Column {
            header,
            align: Align::Right,
        }
    }
}

/// The table as text, one line per row after the header, each ending in a newline. Columns
/// are two spaces apart; the last column is not padded, so no line ends in blanks. A row
/// shorter than the header leaves its last cells empty.
pub fn render(columns: &[Column], rows: &[Vec<String>]) -> String {
    // Widths in characters, not bytes: paths and names may hold non-ASCII letters.
    let width = |s: &str| s.chars().count();
    let mut widths: Vec<usize> = columns.iter().map(|c| width(c.header)).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(cell));
        }
    }
    let headers: Vec<String> = columns.iter().map(|c| c.header.to_string()).collect();
    let mut out = String::new();
    for row in std::iter::once(&headers).chain(rows) {
        let mut line = String::new();
        for (i, (column, w)) in columns.iter().zip(&widths).enumerate() {
            let cell = row.get(i).map(String::as_str).unwrap_or("");
            let pad = " ".repeat(w - width(cell));
            if i > 0 {
                line.push_str("  ");
            }
            match column.align {
                Align::Right => {
                    line.push_str(&pad);
                    line.push_str(cell);
                }
                Align::Left => {
                    line.push_str(cell);
                    line.push_str(&pad);
                }
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_as_wide_as_their_widest_cell() {
        let columns = [Column::left("ID"), Column::right("N"), Column::left("PATH")];
        let rows = vec![
            vec!["a".to_string(), "1200".to_string(), "/x/é".to_string()],
            vec!["bbbb".to_string(), "7".to_string(), String::new()],
        ];
        let text = render(&columns, &rows);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            ["ID       N  PATH", "a     1200  /x/é", "bbbb     7"]
        );
    }

    #[test]
    fn a_table_without_rows_is_its_header() {
        assert_eq!(render(&[Column::left("ID")], &[]), "ID\n");
    }
}
