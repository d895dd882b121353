//! Reading the names of the vocabulary's enums. Each enum takes its names from strum: the
//! one it prints (`Display`, `as_str`) and any other spelling it accepts
//! (`#[strum(serialize = "...")]`, listed by `EnumMessage::get_serializations`). Its `FromStr`
//! looks the name up here, so every enum ignores case and surrounding whitespace alike, and
//! keeps its own message for a name it does not know.

use strum::{EnumMessage, VariantArray};

/// The variant one of whose names is `text`, ASCII case and surrounding whitespace ignored.
pub fn parse_name<T: VariantArray + EnumMessage + Copy>(text: &str) -> Option<T> {
    let wanted = text.trim();
    T::VARIANTS.iter().copied().find(|v| {
        v.get_serializations()
            .iter()
            .any(|name| name.eq_ignore_ascii_case(wanted))
    })
}
