//! Invented people for generated data: Russian full names with matching gender forms, and
//! families that share a surname and a patronymic.

use rand::Rng;
use rand::seq::IndexedRandom;

use super::content::{FEMALE_FIRST_NAMES, MALE_FIRST_NAMES, PATRONYMICS, SURNAMES};

/// A generated person's name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FullName {
    /// Фамилия.
    pub last: String,
    /// Имя.
    pub first: String,
    /// Отчество.
    pub middle: String,
    /// Whether the male forms were used.
    pub male: bool,
}

impl FullName {
    /// "Фамилия Имя Отчество".
    pub fn full(&self) -> String {
        format!("{} {} {}", self.last, self.first, self.middle)
    }

    /// "Фамилия И. О.".
    pub fn short(&self) -> String {
        let initial = |s: &str| s.chars().next().map(String::from).unwrap_or_default();
        format!(
            "{} {}. {}.",
            self.last,
            initial(&self.first),
            initial(&self.middle)
        )
    }
}

/// A family: one surname pair and one father's patronymic pair, shared by siblings.
#[derive(Clone, Copy, Debug)]
pub struct Family {
    surname: (&'static str, &'static str),
    patronymic: (&'static str, &'static str),
}

impl Family {
    /// A random family.
    pub fn random(rng: &mut impl Rng) -> Self {
        Self {
            surname: *SURNAMES.choose(rng).unwrap_or(&("Иванов", "Иванова")),
            patronymic: *PATRONYMICS.choose(rng).unwrap_or(&("Иванович", "Ивановна")),
        }
    }

    /// A child of this family.
    pub fn child(&self, rng: &mut impl Rng) -> FullName {
        let male = rng.random_bool(0.5);
        let first = if male {
            MALE_FIRST_NAMES.choose(rng)
        } else {
            FEMALE_FIRST_NAMES.choose(rng)
        };
        FullName {
            last: pick(self.surname, male).to_owned(),
            first: first.copied().unwrap_or("Александр").to_owned(),
            middle: pick(self.patronymic, male).to_owned(),
            male,
        }
    }
}

impl Family {
    /// A parent of this family: its surname, with a first name and patronymic of their own.
    pub fn parent(&self, rng: &mut impl Rng, male: bool) -> FullName {
        let first = if male {
            MALE_FIRST_NAMES.choose(rng)
        } else {
            FEMALE_FIRST_NAMES.choose(rng)
        };
        let patronymic = *PATRONYMICS.choose(rng).unwrap_or(&("Иванович", "Ивановна"));
        FullName {
            last: pick(self.surname, male).to_owned(),
            first: first.copied().unwrap_or("Елена").to_owned(),
            middle: pick(patronymic, male).to_owned(),
            male,
        }
    }
}

/// An unrelated adult or child.
pub fn person(rng: &mut impl Rng) -> FullName {
    Family::random(rng).child(rng)
}

fn pick(pair: (&'static str, &'static str), male: bool) -> &'static str {
    if male { pair.0 } else { pair.1 }
}
