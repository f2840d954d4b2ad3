//! The operations the policy decides by name: one [`Permission`] per kind of decision that is
//! not a plain read of a student or a class, and one [`Viewer::authorize`] that answers it.
//! Services and handlers ask for a permission instead of composing roles themselves, so a rule
//! is written once, here, and a new caller cannot get it subtly wrong.

use super::Viewer;
use crate::error::{AppError, AppResult};

/// An operation, with the object it concerns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    /// Enter the back-office (and read the refusal catalogue it uses): a school's
    /// administration or the department.
    UseBackOffice,
    /// Administer a school: its applications, access codes, guardianships and audit log.
    AdministerSchool {
        /// The school.
        school_id: i64,
    },
    /// Open one administrative record of a school (an application, an access code, a
    /// guardianship, a student's back-office card): its administration. To anyone else the
    /// record does not exist (`NOT_FOUND`).
    OpenSchoolRecord {
        /// The record's school.
        school_id: i64,
    },
    /// The department's own work: the refusal catalogue, the city's calendar, deactivated
    /// reasons, and every school's audit log at once.
    AdministerDepartment,
    /// Print the access-code envelopes of a whole class: the school's administration and the
    /// class's own class teacher. Others do not learn the class exists (`NOT_FOUND`).
    PrintClassEnvelopes {
        /// The class's school.
        school_id: i64,
        /// The class.
        class_unit_id: i64,
    },
    /// Read a school's staff list: its administration and its staff.
    ReadStaffList {
        /// The school.
        school_id: i64,
    },
    /// Read something published to a scope (news, an event): the city's for everyone signed
    /// in, a school's for its members, a class's for its members and the school's
    /// administration. Others get `NOT_FOUND`.
    ReadPublication {
        /// The school; none for the city.
        school_id: Option<i64>,
        /// The class, for a class's.
        class_unit_id: Option<i64>,
    },
    /// Change or withdraw what someone else published: those above the scope's own publisher,
    /// the school's administration (and the department) for school and class news, the
    /// department for the city's.
    OverridePublication {
        /// The school; none for the city.
        school_id: Option<i64>,
    },
}

impl Viewer {
    /// Whether the viewer may do it.
    pub fn may(&self, permission: Permission) -> bool {
        match permission {
            Permission::UseBackOffice => self.department_admin || !self.administers.is_empty(),
            Permission::AdministerSchool { school_id }
            | Permission::OpenSchoolRecord { school_id } => self.administers_school(school_id),
            Permission::AdministerDepartment => self.department_admin,
            Permission::PrintClassEnvelopes {
                school_id,
                class_unit_id,
            } => self.administers_school(school_id) || self.leads.contains(&class_unit_id),
            Permission::ReadStaffList { school_id } => {
                self.administers_school(school_id) || self.works_at(school_id)
            }
            Permission::ReadPublication {
                school_id,
                class_unit_id,
            } => match (school_id, class_unit_id) {
                (None, _) => true,
                (Some(school), None) => self.member_of_school(school),
                (Some(school), Some(class)) => {
                    self.member_of_class(class, school) || self.administers_school(school)
                }
            },
            Permission::OverridePublication { school_id } => match school_id {
                Some(school) => self.administers_school(school),
                None => self.department_admin,
            },
        }
    }

    /// `Ok` when the viewer may do it; otherwise the refusal the operation calls for:
    /// `NOT_FOUND` where the object must stay invisible, `FORBIDDEN` where the viewer sees it.
    pub fn authorize(&self, permission: Permission) -> AppResult<()> {
        if self.may(permission) {
            return Ok(());
        }
        Err(match permission {
            Permission::PrintClassEnvelopes { .. }
            | Permission::ReadPublication { .. }
            | Permission::OpenSchoolRecord { .. } => AppError::NotFound,
            Permission::UseBackOffice
            | Permission::AdministerSchool { .. }
            | Permission::AdministerDepartment
            | Permission::ReadStaffList { .. }
            | Permission::OverridePublication { .. } => AppError::Forbidden,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use dnevnik_entities::enums::Role;

    use super::*;
    use crate::policy::Child;

    fn nobody() -> Viewer {
        Viewer {
            account_id: 1,
            session_id: 1,
            display_name: String::new(),
            confirmed: true,
            department_admin: false,
            administers: BTreeMap::new(),
            staff: Vec::new(),
            teaches: BTreeMap::new(),
            leads: BTreeSet::new(),
            class_schools: BTreeMap::new(),
            children: Vec::new(),
            own_student: None,
        }
    }

    #[test]
    fn each_permission_goes_to_exactly_its_holders_with_the_right_refusal() {
        let department = Viewer {
            department_admin: true,
            ..nobody()
        };
        let admin = Viewer {
            administers: BTreeMap::from([(1, BTreeSet::from([Role::SchoolAdmin]))]),
            ..nobody()
        };
        let class_teacher = Viewer {
            leads: BTreeSet::from([7]),
            class_schools: BTreeMap::from([(7, 1)]),
            ..nobody()
        };
        let parent = Viewer {
            children: vec![Child {
                student_id: 70,
                label: "Маша".to_owned(),
                school_id: 1,
                class_unit_id: 7,
            }],
            ..nobody()
        };
        let envelopes = Permission::PrintClassEnvelopes {
            school_id: 1,
            class_unit_id: 7,
        };
        let class_news = Permission::ReadPublication {
            school_id: Some(1),
            class_unit_id: Some(7),
        };
        let other_class_news = Permission::ReadPublication {
            school_id: Some(1),
            class_unit_id: Some(8),
        };
        for (who, viewer, allowed) in [
            ("department", &department, [true, true, true, true, true]),
            ("school admin", &admin, [true, false, true, true, true]),
            (
                "class teacher",
                &class_teacher,
                [false, false, true, true, false],
            ),
            ("parent", &parent, [false, false, false, true, false]),
            ("nobody", &nobody(), [false, false, false, false, false]),
        ] {
            let asked = [
                Permission::UseBackOffice,
                Permission::AdministerDepartment,
                envelopes,
                class_news,
                other_class_news,
            ];
            for (permission, expected) in asked.into_iter().zip(allowed) {
                assert_eq!(viewer.may(permission), expected, "{who}: {permission:?}");
            }
        }
        // What one may not see stays invisible; what one sees but may not do is forbidden.
        assert!(matches!(
            parent.authorize(envelopes),
            Err(AppError::NotFound)
        ));
        assert!(matches!(
            parent.authorize(Permission::UseBackOffice),
            Err(AppError::Forbidden)
        ));
        assert!(matches!(
            parent.authorize(other_class_news),
            Err(AppError::NotFound)
        ));
        // A school's records: its administration opens them; to others they do not exist.
        let record = Permission::OpenSchoolRecord { school_id: 1 };
        assert!(admin.authorize(record).is_ok() && department.authorize(record).is_ok());
        assert!(matches!(
            class_teacher.authorize(record),
            Err(AppError::NotFound)
        ));
        assert!(matches!(
            admin.authorize(Permission::OpenSchoolRecord { school_id: 2 }),
            Err(AppError::NotFound)
        ));
        // City news: everyone reads it; only the department changes someone else's.
        let city = Permission::ReadPublication {
            school_id: None,
            class_unit_id: None,
        };
        assert!(nobody().may(city));
        let override_city = Permission::OverridePublication { school_id: None };
        assert!(department.may(override_city) && !admin.may(override_city));
    }
}
