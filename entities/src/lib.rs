//! SeaORM entities and shared domain enums of Dnevnik: one module per table. No I/O beyond
//! SeaORM; no HTTP or GraphQL types here.

pub mod academic_year;
pub mod access_application;
pub mod access_application_refusal;
pub mod access_code;
pub mod account;
pub mod attendance_record;
pub mod audit_event;
pub mod bell_schedule;
pub mod bell_schedule_slot;
pub mod calendar_day;
pub mod class_unit;
pub mod control_form;
pub mod conversation;
pub mod conversation_participant;
pub mod event;
pub mod external_assessment;
pub mod external_identity;
pub mod final_mark;
pub mod forum_post;
pub mod forum_thread;
pub mod guardianship;
pub mod homework;
pub mod import_batch;
pub mod import_batch_row;
pub mod lesson;
pub mod login_state;
pub mod mark;
pub mod mark_revision;
pub mod message;
pub mod news_item;
pub mod password_credential;
pub mod rate_limit_counter;
pub mod refusal_reason;
pub mod remark;
pub mod role_grant;
pub mod school;
pub mod session;
pub mod staff_member;
pub mod student;
pub mod study_period;
pub mod subject;
pub mod teaching_assignment;
pub mod timetable_entry;

pub mod enums;
