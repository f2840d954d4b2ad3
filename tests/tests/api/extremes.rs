//! No input makes the server fail (issue 10, point 5): every argument of every root query and
//! mutation, and of the fields of the objects a diary is built from, is fed random and extreme
//! dates, ids, numbers and forged cursors, as every role. The list of fields comes from the
//! served schema, so a new field is covered the day it is added. An answer may refuse the input
//! or find nothing; it may never be a 5xx or an `INTERNAL` error.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use dnevnik_server::graphql::ids::{Kind, encode};
use dnevnik_tests::world::{Who, World};
use dnevnik_tests::{TestApp, schema};
use serde_json::{Value, json};

/// Values tried for each scalar, cycled through by variant number.
fn scalar(name: &str, arg: &str, variant: usize, ids: &[(Kind, i64)], rng: &mut u64) -> Value {
    let pick = |values: &[Value]| values[variant % values.len()].clone();
    match name {
        "Date" => pick(&[
            json!("0001-01-01"),
            json!("9999-12-31"),
            json!("1900-01-01"),
            json!("2200-12-31"),
            json!("2026-02-30"),
            json!("-262143-01-01"),
            json!("2026-11-18"),
            json!("+262142-12-31"),
        ]),
        "DateTime" => pick(&[
            json!("0001-01-01T00:00:00Z"),
            json!("9999-12-31T23:59:59Z"),
            json!("2200-12-31T23:59:59-23:59"),
            json!("1900-01-01T00:00:00+23:59"),
            json!("2026-11-18T08:30:00+03:00"),
        ]),
        "LocalTime" => pick(&[json!("00:00"), json!("23:59"), json!("24:00")]),
        "Int" => pick(&[
            json!(i32::MAX),
            json!(i32::MIN),
            json!(0),
            json!(-1),
            json!(1),
            json!(next(rng) as i32),
        ]),
        "Float" => pick(&[json!(f64::MAX), json!(-f64::MAX), json!(0.0), json!(1e-300)]),
        "Boolean" => json!(variant.is_multiple_of(2)),
        "ID" => id_value(arg, variant, ids, rng),
        _ if arg == "after" || arg == "before" => pick(&forged_cursors(rng)),
        _ => pick(&[
            json!(""),
            json!("а"),
            json!("%_\\'\""),
            json!("x".repeat(2000)),
        ]),
    }
}

/// Ids of the right kind when the argument's name says which (`studentId`), real or not;
/// otherwise any kind, and forged numbers.
fn id_value(arg: &str, variant: usize, ids: &[(Kind, i64)], rng: &mut u64) -> Value {
    let wanted = arg
        .trim_end_matches("Ids")
        .trim_end_matches("Id")
        .to_lowercase();
    let of_kind: Vec<Kind> = ids
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| k.name().to_lowercase() == wanted)
        .collect();
    let kind = of_kind
        .first()
        .copied()
        .unwrap_or(ids[variant % ids.len()].0);
    let real = ids
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(1, |(_, id)| *id);
    let raw = |text: String| json!(URL_SAFE_NO_PAD.encode(text));
    match variant % 6 {
        0 | 1 => json!(encode(kind, real).0),
        2 => raw(format!("{}:{}", kind.name(), i64::MAX)),
        3 => raw(format!("{}:{}", kind.name(), i64::MIN)),
        4 => raw(format!("{}:{}", kind.name(), next(rng) as i64)),
        _ => json!(["", "!!", "U3R1ZGVudDo", "Tm9wZToxMg"][variant % 4]),
    }
}

/// Cursors a client could forge: positions and keys at the ends of their ranges.
fn forged_cursors(rng: &mut u64) -> Vec<Value> {
    [
        json!(i64::MAX).to_string(),
        json!(i64::MIN).to_string(),
        json!(-1).to_string(),
        json!(["+262142-12-31", i64::MAX]).to_string(),
        json!(["-262143-01-01", i64::MIN]).to_string(),
        json!(["9999-12-31T23:59:59Z", i64::MAX]).to_string(),
        json!([true, "0001-01-01T00:00:00Z", i64::MIN]).to_string(),
        json!(next(rng)).to_string(),
        "{".to_owned(),
    ]
    .into_iter()
    .map(|c| json!(URL_SAFE_NO_PAD.encode(c)))
    .chain([json!("not a cursor")])
    .collect()
}

/// A small deterministic generator (xorshift), so that a failure can be replayed.
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

struct Generator<'a> {
    schema: &'a Value,
    ids: &'a [(Kind, i64)],
    rng: u64,
}

impl Generator<'_> {
    fn value(&mut self, t: &Value, arg: &str, variant: usize, depth: usize) -> Value {
        match t["kind"].as_str() {
            Some("NON_NULL") => self.value(&t["ofType"], arg, variant, depth),
            Some("LIST") => {
                let item = self.value(&t["ofType"], arg, variant, depth);
                json!([
                    item.clone(),
                    self.value(&t["ofType"], arg, variant + 1, depth)
                ])
            }
            Some("ENUM") => {
                let name = t["name"].as_str().unwrap_or_default();
                let values = schema::declared(self.schema, name)
                    .and_then(|d| d["enumValues"].as_array())
                    .cloned()
                    .unwrap_or_default();
                values
                    .get(variant % values.len().max(1))
                    .map_or(Value::Null, |v| v["name"].clone())
            }
            Some("INPUT_OBJECT") if depth < 4 => {
                let name = t["name"].as_str().unwrap_or_default();
                let fields = schema::declared(self.schema, name)
                    .and_then(|x| x["inputFields"].as_array())
                    .cloned()
                    .unwrap_or_default();
                let mut object = serde_json::Map::new();
                for (i, field) in fields.iter().enumerate() {
                    let field_name = field["name"].as_str().unwrap_or_default();
                    let v = self.value(&field["type"], field_name, variant + i, depth + 1);
                    object.insert(field_name.to_owned(), v);
                }
                Value::Object(object)
            }
            Some("INPUT_OBJECT") => Value::Null,
            _ => scalar(
                t["name"].as_str().unwrap_or_default(),
                arg,
                variant,
                self.ids,
                &mut self.rng,
            ),
        }
    }
}

/// One operation per field with arguments and variant: the field under `prefix`/`suffix`.
fn operations(
    generator: &mut Generator<'_>,
    operation: &str,
    type_name: &str,
    (prefix, suffix): (&str, &str),
    variants: usize,
) -> Vec<(String, Value)> {
    let fields = schema::fields(generator.schema, type_name);
    let mut out = Vec::new();
    for field in fields {
        let args = field["args"].as_array().cloned().unwrap_or_default();
        if args.is_empty() {
            continue;
        }
        let name = field["name"].as_str().unwrap_or_default();
        let selection = schema::selection(&field["type"]);
        for variant in 0..variants {
            let mut declared = Vec::new();
            let mut passed = Vec::new();
            let mut variables = serde_json::Map::new();
            for (i, arg) in args.iter().enumerate() {
                let arg_name = arg["name"].as_str().unwrap_or_default();
                declared.push(format!("$a{i}: {}", schema::type_text(&arg["type"])));
                passed.push(format!("{arg_name}: $a{i}"));
                let v = generator.value(&arg["type"], arg_name, variant + i, 0);
                variables.insert(format!("a{i}"), v);
            }
            let query = format!(
                "{operation}({}) {{ {prefix} {name}({}){selection} {suffix} }}",
                declared.join(", "),
                passed.join(", "),
            );
            out.push((query, Value::Object(variables)));
        }
    }
    out
}

#[tokio::test]
async fn no_argument_value_makes_the_server_fail() {
    let app = TestApp::spawn().await;
    let world = World::build(&app)
        .await
        .unwrap_or_else(|e| panic!("world: {e}"));
    let ids = [
        (Kind::Student, world.student_a1),
        (Kind::School, world.school1),
        (Kind::ClassUnit, world.class_a),
        (Kind::Subject, world.math),
        (Kind::StudyPeriod, world.quarter1),
        (Kind::AcademicYear, world.year1),
        (Kind::Lesson, world.lesson_math_a),
        (Kind::Mark, world.mark_math_a1),
        (Kind::Homework, world.homework_a),
        (Kind::StaffMember, world.staff_ta),
        (Kind::NewsItem, world.news_class_a),
        (Kind::ForumThread, world.thread_class_a),
        (Kind::Conversation, world.conversation_pa_ct),
    ];
    let admin = world
        .token(Who::AdminOfSchool)
        .unwrap_or_default()
        .to_owned();
    let served = schema::served(&app, Some(&admin)).await;

    let mut generator = Generator {
        schema: &served,
        ids: &ids,
        rng: 0x9E37_79B9_7F4A_7C15,
    };
    let student = encode(Kind::Student, world.student_a1).0;
    let class = encode(Kind::ClassUnit, world.class_a).0;
    let school = encode(Kind::School, world.school1).0;
    let lesson = encode(Kind::Lesson, world.lesson_math_a).0;
    let nested = [
        ("Viewer", "viewer {".to_owned(), "}"),
        ("Student", format!("student(id: \"{student}\") {{"), "}"),
        (
            "ClassUnit",
            format!("node(id: \"{class}\") {{ ... on ClassUnit {{"),
            "} }",
        ),
        ("School", format!("school(id: \"{school}\") {{"), "}"),
        (
            "Lesson",
            format!("node(id: \"{lesson}\") {{ ... on Lesson {{"),
            "} }",
        ),
    ];
    let mut cases = operations(&mut generator, "query Q", "Query", ("", ""), 8);
    for (type_name, prefix, suffix) in &nested {
        cases.extend(operations(
            &mut generator,
            "query Q",
            type_name,
            (prefix, suffix),
            8,
        ));
    }
    let mutations = operations(&mut generator, "mutation M", "Mutation", ("", ""), 4);
    assert!(cases.len() > 100, "too few cases: {}", cases.len());
    assert!(
        mutations.len() > 50,
        "too few mutations: {}",
        mutations.len()
    );

    let mut failures = Vec::new();
    let roles = [
        Who::Anonymous,
        Who::ParentOfA,
        Who::TeacherOfA,
        Who::AdminOfSchool,
        Who::DepartmentAdmin,
    ];
    for (n, (query, variables)) in cases.iter().chain(mutations.iter()).enumerate() {
        // Every case as one role in turn, so that each role meets every field.
        let who = roles[n % roles.len()];
        let answer = match world.token(who) {
            Some(token) => app.graphql_as(token, query, variables.clone()).await,
            None => app.graphql(query, variables.clone()).await,
        };
        if answer.status.is_server_error() && answer.error_codes() != ["UNAVAILABLE"]
            || answer.error_codes().iter().any(|c| c == "INTERNAL")
        {
            failures.push(format!(
                "{who:?} {query} {variables} -> {} {}",
                answer.status, answer.body
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} failed:\n{}",
        failures.len(),
        cases.len() + mutations.len(),
        failures.join("\n")
    );
    // The server is still up after all of it.
    app.graphql("{ __typename }", json!({})).await.assert_ok();
}
