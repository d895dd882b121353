//! Flag values that name one of mps's enums (`--mode`, `--format`, …): checked when the
//! command line is read, by the enum's own `FromStr` (its aliases, any case, its message),
//! and listed in `--help` and the shell completions.
//!
//! The flags keep the text as given: a job's settings are compared and restored as text
//! (flags > environment > config file > defaults), and the same names come from all four.

use clap::builder::{PossibleValue, TypedValueParser};
use clap::error::ErrorKind;
use std::ffi::OsStr;
use std::fmt::Display;
use std::marker::PhantomData;
use std::str::FromStr;
use strum::{EnumMessage, VariantArray};

/// The value parser of a flag naming a `T`.
pub struct Named<T>(PhantomData<fn() -> T>);

impl<T> Clone for Named<T> {
    fn clone(&self) -> Self {
        Named(PhantomData)
    }
}

/// The value parser of a flag naming a `T`.
pub fn named<T>() -> Named<T> {
    Named(PhantomData)
}

impl<T> TypedValueParser for Named<T>
where
    T: FromStr + VariantArray + EnumMessage + Into<&'static str> + Copy + Send + Sync + 'static,
    T::Err: Display,
{
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<String, clap::Error> {
        let text = value.to_string_lossy();
        match text.parse::<T>() {
            Ok(_) => Ok(text.into_owned()),
            Err(e) => {
                let flag = arg.map_or_else(|| "the value".to_string(), ToString::to_string);
                let message = format!("invalid value '{text}' for '{flag}': {e}\n");
                Err(clap::Error::raw(ErrorKind::ValueValidation, message).with_cmd(cmd))
            }
        }
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(T::VARIANTS.iter().map(|v| {
            let name: &'static str = (*v).into();
            let aliases = v.get_serializations().iter().filter(move |a| **a != name);
            PossibleValue::new(name).aliases(aliases.copied())
        })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;
    use mps_model::Mode;

    #[derive(Parser, Debug)]
    struct Probe {
        #[arg(long, value_parser = named::<Mode>())]
        mode: Option<String>,
    }

    #[test]
    fn a_known_name_in_any_case_is_kept_as_given() {
        let p = Probe::try_parse_from(["probe", "--mode", "Comprehensive"]).expect("parses");
        assert_eq!(p.mode.as_deref(), Some("Comprehensive"));
    }

    #[test]
    fn an_unknown_name_fails_with_the_enums_own_message() {
        let err = Probe::try_parse_from(["probe", "--mode", "everything"]).expect_err("refused");
        let text = err.to_string();
        assert!(text.contains("--mode"), "{text}");
        assert!(text.contains("expected search, property"), "{text}");
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn the_names_are_listed() {
        let names: Vec<String> = named::<Mode>()
            .possible_values()
            .into_iter()
            .flatten()
            .map(|v| v.get_name().to_string())
            .collect();
        assert_eq!(names.len(), Mode::VARIANTS.len());
        assert!(names.contains(&"comprehensive".to_string()), "{names:?}");
    }
}
