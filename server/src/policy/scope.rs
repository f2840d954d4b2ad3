//! The SQL side of the policy: conditions that limit a list to what a viewer may read (news
//! and events, notifications, the audit log), built here so that a list and a lookup by id
//! can never disagree with [`super::Permission::ReadPublication`].

use std::collections::BTreeSet;

use dnevnik_entities::notification;
use sea_orm::{ColumnTrait, Condition};

use super::Viewer;
use crate::error::{AppError, AppResult};

impl Viewer {
    /// Rows published to a school or a class that the viewer may read, as a condition on the
    /// rows' `school_id` and `class_unit_id` columns: school-wide rows of their schools, rows
    /// of their classes, and every row of a school they administer. City-wide rows are the
    /// caller's to add (they are marked differently in each table).
    pub fn publication_condition<S: ColumnTrait, C: ColumnTrait>(
        &self,
        school: S,
        class: C,
    ) -> Condition {
        if self.department_admin {
            return Condition::all();
        }
        let schools = self.member_schools().unwrap_or_default();
        let administered: BTreeSet<i64> = self.administers.keys().copied().collect();
        Condition::any()
            .add(
                Condition::all()
                    .add(school.is_in(schools.iter().copied()))
                    .add(class.is_null()),
            )
            .add(class.is_in(self.member_classes()))
            .add(school.is_in(administered))
    }

    /// The viewer's notifications they may still read: their own, and of those about a child
    /// only while they are that child's guardian or the child themselves.
    pub fn notification_condition(&self) -> Condition {
        Condition::all()
            .add(notification::Column::AccountId.eq(self.account_id))
            .add(
                Condition::any()
                    .add(notification::Column::StudentId.is_null())
                    .add(notification::Column::StudentId.is_in(self.own_students())),
            )
    }

    /// The schools whose audit log the viewer reads: `None` for every school (the
    /// department), otherwise the schools they administer; `FORBIDDEN` for anyone else.
    pub fn audit_schools(&self) -> AppResult<Option<Vec<i64>>> {
        if self.department_admin {
            return Ok(None);
        }
        let schools: Vec<i64> = self.administers.keys().copied().collect();
        if schools.is_empty() {
            return Err(AppError::Forbidden);
        }
        Ok(Some(schools))
    }
}
