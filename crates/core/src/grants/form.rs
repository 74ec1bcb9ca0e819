//! Configured application forms: a definition (sections of typed fields) from which the
//! server derives the JSON Schema it validates with and the web renders the form.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormDefinition {
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub key: String,
    pub title_zh: String,
    pub title_en: String,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// Unique within the form; the key of the value in the submitted data.
    pub key: String,
    pub label_zh: String,
    pub label_en: String,
    #[serde(default)]
    pub required: bool,
    #[serde(flatten)]
    pub kind: FieldKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FieldKind {
    Text {
        max_chars: Option<u32>,
    },
    /// Long text with a limit in characters (字数).
    LongText {
        max_chars: Option<u32>,
    },
    Number {
        min: Option<f64>,
        max: Option<f64>,
    },
    /// An amount in fen.
    Money {
        min_fen: Option<i64>,
        max_fen: Option<i64>,
    },
    /// `YYYY-MM-DD`.
    Date,
    Select {
        options: Vec<Choice>,
    },
    MultiSelect {
        options: Vec<Choice>,
    },
    /// Repeated rows (team members, budget lines …).
    Table {
        columns: Vec<Field>,
        min_rows: Option<u32>,
        max_rows: Option<u32>,
    },
    /// A person: name required; id number, title and organisation optional.
    Person,
    /// A file slot holding attachment ids.
    File {
        max_files: Option<u32>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub value: String,
    pub label_zh: String,
    pub label_en: String,
}

fn field_schema(field: &Field) -> Value {
    match &field.kind {
        FieldKind::Text { max_chars } | FieldKind::LongText { max_chars } => {
            let mut s = json!({ "type": "string" });
            if let Some(m) = max_chars {
                s["maxLength"] = json!(m);
            }
            if field.required {
                s["minLength"] = json!(1);
            }
            s
        }
        FieldKind::Number { min, max } => {
            let mut s = json!({ "type": "number" });
            if let Some(m) = min {
                s["minimum"] = json!(m);
            }
            if let Some(m) = max {
                s["maximum"] = json!(m);
            }
            s
        }
        FieldKind::Money { min_fen, max_fen } => {
            let mut s = json!({ "type": "integer", "minimum": min_fen.unwrap_or(0) });
            if let Some(m) = max_fen {
                s["maximum"] = json!(m);
            }
            s
        }
        FieldKind::Date => json!({ "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" }),
        FieldKind::Select { options } => json!({ "enum": options.iter().map(|o| o.value.clone()).collect::<Vec<_>>() }),
        FieldKind::MultiSelect { options } => json!({
            "type": "array", "uniqueItems": true, "minItems": if field.required { 1 } else { 0 },
            "items": { "enum": options.iter().map(|o| o.value.clone()).collect::<Vec<_>>() }
        }),
        FieldKind::Table { columns, min_rows, max_rows } => {
            let mut s = json!({ "type": "array", "items": object_schema(columns) });
            let min = min_rows.unwrap_or(0).max(u32::from(field.required));
            s["minItems"] = json!(min);
            if let Some(m) = max_rows {
                s["maxItems"] = json!(m);
            }
            s
        }
        FieldKind::Person => json!({
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": { "type": "string", "minLength": 1, "maxLength": 50 },
                "id_number": { "type": "string", "maxLength": 18 },
                "title": { "type": "string", "maxLength": 50 },
                "organisation": { "type": "string", "maxLength": 100 }
            }
        }),
        FieldKind::File { max_files } => {
            let mut s =
                json!({ "type": "array", "items": { "type": "string" }, "minItems": u32::from(field.required) });
            if let Some(m) = max_files {
                s["maxItems"] = json!(m);
            }
            s
        }
    }
}

fn object_schema(fields: &[Field]) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for f in fields {
        properties.insert(f.key.clone(), field_schema(f));
        if f.required {
            required.push(json!(f.key));
        }
    }
    json!({ "type": "object", "properties": properties, "required": required })
}

impl FormDefinition {
    pub fn fields(&self) -> impl Iterator<Item = &Field> {
        self.sections.iter().flat_map(|s| s.fields.iter())
    }

    /// The JSON Schema (2020-12) of submitted data.
    pub fn json_schema(&self) -> Value {
        let fields: Vec<Field> = self.fields().cloned().collect();
        let mut schema = object_schema(&fields);
        schema["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
        schema
    }

    /// Problems with the definition itself (for the form designer).
    pub fn problems(&self) -> Vec<String> {
        let mut keys: Vec<&str> = self.fields().map(|f| f.key.as_str()).collect();
        let mut problems = Vec::new();
        keys.sort();
        for pair in keys.windows(2) {
            if pair[0] == pair[1] {
                problems.push(format!("field key {} is used twice", pair[0]));
            }
        }
        for f in self.fields() {
            if f.key.is_empty() || !f.key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                problems.push(format!("field key {:?} must be letters, digits or _", f.key));
            }
            if let FieldKind::Select { options } | FieldKind::MultiSelect { options } = &f.kind
                && options.is_empty()
            {
                problems.push(format!("field {} has no options", f.key));
            }
        }
        problems
    }
}

/// One problem with submitted data, on a field path like `members.2.name`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataProblem {
    pub path: String,
    pub code: String,
    pub message_zh: String,
    pub message_en: String,
}

/// Validates `data` against the form. A form whose schema cannot be built reports one
/// problem on the empty path (the designer prevents that).
pub fn validate(form: &FormDefinition, data: &Value) -> Vec<DataProblem> {
    FormValidator::new(form).check(data)
}

/// A form's JSON Schema, compiled once: building and compiling the schema costs far more
/// than checking one submission against it, so a stored call keeps one per category.
pub struct FormValidator {
    compiled: Result<jsonschema::Validator, String>,
}

impl std::fmt::Debug for FormValidator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FormValidator").field("compiles", &self.compiled.is_ok()).finish()
    }
}

impl FormValidator {
    pub fn new(form: &FormDefinition) -> Self {
        Self { compiled: jsonschema::validator_for(&form.json_schema()).map_err(|e| e.to_string()) }
    }

    /// The problems of `data`, sorted by field path; none when it fits the form.
    pub fn check(&self, data: &Value) -> Vec<DataProblem> {
        let validator = match &self.compiled {
            Ok(v) => v,
            Err(e) => {
                return vec![DataProblem {
                    path: String::new(),
                    code: "form_invalid".into(),
                    message_zh: format!("表单定义有误：{e}"),
                    message_en: format!("The form definition is invalid: {e}"),
                }];
            }
        };
        problems(validator, data)
    }
}

fn problems(validator: &jsonschema::Validator, data: &Value) -> Vec<DataProblem> {
    let mut problems: Vec<DataProblem> = validator
        .iter_errors(data)
        .map(|e| {
            let mut path: Vec<String> = e
                .instance_path()
                .as_str()
                .trim_start_matches('/')
                .split('/')
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect();
            let (code, zh, en) = describe(e.kind(), &mut path);
            DataProblem { path: path.join("."), code: code.into(), message_zh: zh, message_en: en }
        })
        .collect();
    problems.sort_by(|a, b| a.path.cmp(&b.path));
    problems
}

fn describe(kind: &jsonschema::error::ValidationErrorKind, path: &mut Vec<String>) -> (&'static str, String, String) {
    use jsonschema::error::ValidationErrorKind as K;
    match kind {
        K::Required { property } => {
            path.push(property.as_str().unwrap_or_default().to_string());
            ("required", "此项为必填项".into(), "This field is required".into())
        }
        K::MaxLength { limit } => ("too_long", format!("最多 {limit} 字"), format!("At most {limit} characters")),
        K::MinLength { .. } => ("required", "此项为必填项".into(), "This field is required".into()),
        K::Minimum { limit } => ("too_small", format!("不能小于 {limit}"), format!("Must be at least {limit}")),
        K::Maximum { limit } => ("too_large", format!("不能大于 {limit}"), format!("Must be at most {limit}")),
        K::MinItems { limit } => ("too_few", format!("至少 {limit} 项"), format!("At least {limit} entries")),
        K::MaxItems { limit } => ("too_many", format!("最多 {limit} 项"), format!("At most {limit} entries")),
        K::Enum { .. } => ("not_an_option", "请从选项中选择".into(), "Choose one of the options".into()),
        K::Pattern { .. } => ("bad_format", "格式不正确".into(), "Wrong format".into()),
        K::UniqueItems => ("duplicate", "选项重复".into(), "An option is chosen twice".into()),
        K::Type { .. } => ("wrong_type", "填写的内容类型不正确".into(), "Wrong kind of value".into()),
        other => ("invalid", format!("内容不符合要求（{other:?}）"), format!("Invalid value ({other:?})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> FormDefinition {
        let f = |key: &str, required, kind| Field {
            key: key.into(),
            label_zh: key.into(),
            label_en: key.into(),
            required,
            kind,
        };
        FormDefinition {
            sections: vec![
                Section {
                    key: "basic".into(),
                    title_zh: "基本信息".into(),
                    title_en: "Basics".into(),
                    fields: vec![
                        f("project_name", true, FieldKind::Text { max_chars: Some(40) }),
                        f("summary", true, FieldKind::LongText { max_chars: Some(10) }),
                        f("requested", true, FieldKind::Money { min_fen: Some(1), max_fen: Some(100_000_000) }),
                        f("start", true, FieldKind::Date),
                        f(
                            "field",
                            true,
                            FieldKind::Select {
                                options: vec![
                                    Choice {
                                        value: "materials".into(),
                                        label_zh: "先进材料".into(),
                                        label_en: "Materials".into(),
                                    },
                                    Choice {
                                        value: "equipment".into(),
                                        label_zh: "高端装备".into(),
                                        label_en: "Equipment".into(),
                                    },
                                ],
                            },
                        ),
                    ],
                },
                Section {
                    key: "team".into(),
                    title_zh: "项目组".into(),
                    title_en: "Team".into(),
                    fields: vec![
                        f("pi", true, FieldKind::Person),
                        f(
                            "members",
                            false,
                            FieldKind::Table {
                                columns: vec![
                                    f("name", true, FieldKind::Text { max_chars: Some(20) }),
                                    f("age", false, FieldKind::Number { min: Some(16.0), max: Some(80.0) }),
                                ],
                                min_rows: None,
                                max_rows: Some(2),
                            },
                        ),
                        f("proposal", true, FieldKind::File { max_files: Some(1) }),
                    ],
                },
            ],
        }
    }

    fn good() -> Value {
        json!({
            "project_name": "高温合金精密铸造关键技术", "summary": "十个字以内的摘要",
            "requested": 100_000_000, "start": "2021-06-01", "field": "materials",
            "pi": { "name": "王工" }, "members": [ { "name": "李工", "age": 35 } ], "proposal": ["a1"]
        })
    }

    fn paths(p: &[DataProblem]) -> Vec<(&str, &str)> {
        p.iter().map(|p| (p.path.as_str(), p.code.as_str())).collect()
    }

    #[test]
    fn valid_data_passes() {
        assert_eq!(validate(&form(), &good()), vec![]);
        assert!(form().problems().is_empty());
    }

    #[test]
    fn every_problem_names_its_field() {
        let mut d = good();
        d["summary"] = json!("这个摘要超过了十个字的限制了");
        d["requested"] = json!(100_000_001);
        d["start"] = json!("2021/6/1");
        d["field"] = json!("biology");
        d["members"] = json!([ { "age": 12 }, { "name": "a" }, { "name": "b" } ]);
        d.as_object_mut().unwrap().remove("project_name");
        d["proposal"] = json!([]);
        let p = validate(&form(), &d);
        assert_eq!(
            paths(&p),
            [
                ("field", "not_an_option"),
                ("members", "too_many"),
                ("members.0.age", "too_small"),
                ("members.0.name", "required"),
                ("project_name", "required"),
                ("proposal", "too_few"),
                ("requested", "too_large"),
                ("start", "bad_format"),
                ("summary", "too_long"),
            ]
        );
        let summary = p.iter().find(|x| x.path == "summary").unwrap();
        assert_eq!(summary.message_zh, "最多 10 字");
    }

    #[test]
    fn chinese_characters_count_one_each() {
        let mut d = good();
        d["summary"] = json!("一二三四五六七八九十");
        assert!(validate(&form(), &d).is_empty());
        d["summary"] = json!("一二三四五六七八九十一");
        assert_eq!(paths(&validate(&form(), &d)), [("summary", "too_long")]);
    }

    #[test]
    fn the_designer_catches_duplicate_keys_and_empty_options() {
        let mut f = form();
        let copy = f.sections[0].fields[0].clone();
        f.sections[1].fields.push(copy);
        f.sections[0].fields.push(Field {
            key: "bad key".into(),
            label_zh: "x".into(),
            label_en: "x".into(),
            required: false,
            kind: FieldKind::Select { options: vec![] },
        });
        let problems = f.problems();
        assert_eq!(problems.len(), 3, "{problems:?}");
    }

    #[test]
    fn definitions_round_trip_as_json() {
        let text = serde_json::to_string(&form()).unwrap();
        let back: FormDefinition = serde_json::from_str(&text).unwrap();
        assert_eq!(back, form());
        assert!(text.contains(r#""type":"long_text""#));
    }
}
