//! Excel exports and the account import, with Chinese headers.

use std::collections::HashMap;
use std::io::Cursor;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use kc_core::identity::Role;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::dto::{Account, Organisation};
use crate::error::{ApiError, ApiResult};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn xlsx_error(e: XlsxError) -> ApiError {
    tracing::error!(error = %e, "xlsx generation failed");
    ApiError::internal()
}

/// A response that downloads `bytes` as `filename` (UTF-8 name per RFC 6266).
pub(crate) fn download(bytes: Vec<u8>, filename: &str) -> Response {
    let encoded: String = filename
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, XLSX.to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"export.xlsx\"; filename*=UTF-8''{encoded}")),
        ],
        bytes,
    )
        .into_response()
}

/// Writes a sheet with a bold header row and one row per record.
fn sheet(name: &str, headers: &[(&str, f64)], rows: Vec<Vec<String>>) -> ApiResult<Vec<u8>> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(name).map_err(xlsx_error)?;
    let bold = Format::new().set_bold();
    for (c, (title, width)) in headers.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(0, c, *title, &bold).map_err(xlsx_error)?;
        ws.set_column_width(c, *width).map_err(xlsx_error)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, value).map_err(xlsx_error)?;
        }
    }
    ws.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    wb.save_to_buffer().map_err(xlsx_error)
}

pub(crate) fn role_zh(role: &str) -> &'static str {
    match Role::parse(role) {
        Some(Role::IndividualApplicant) => "个人申报者",
        Some(Role::UnitApplicant) => "单位申报者",
        Some(Role::Recommender) => "推荐单位",
        Some(Role::BureauStaff) => "科技局工作人员",
        Some(Role::BureauAdmin) => "科技局管理员",
        Some(Role::Expert) => "专家",
        Some(Role::Concierge) => "服务专员",
        None => "未知",
    }
}

fn status_zh(status: &str) -> &'static str {
    match status {
        "pending" => "待审核",
        "active" => "正常",
        "rejected" => "未通过",
        "disabled" => "已停用",
        _ => "未知",
    }
}

fn org_type_zh(t: &str) -> &'static str {
    match t {
        "enterprise" => "企业",
        "university" => "高等院校",
        "hospital" => "医疗卫生机构",
        "research_institute" => "科研院所",
        "government_organ" => "党政机关",
        "social_organisation" => "社会组织",
        "financial_institution" => "金融机构",
        _ => "其他",
    }
}

fn shanghai(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&chrono_tz::Asia::Shanghai).format("%Y-%m-%d %H:%M").to_string()
}

/// 万元 with two decimals, as officials read amounts.
fn wan_yuan(fen: Option<i64>) -> String {
    fen.map(|f| format!("{:.2}", f as f64 / 1_000_000.0)).unwrap_or_default()
}

pub(crate) fn accounts(rows: &[Account]) -> ApiResult<Response> {
    let headers = [
        ("用户名", 16.0),
        ("姓名", 12.0),
        ("角色", 14.0),
        ("状态", 8.0),
        ("所属单位", 30.0),
        ("推荐单位", 24.0),
        ("科室", 14.0),
        ("邮箱", 24.0),
        ("手机", 14.0),
        ("注册时间", 18.0),
        ("未通过原因", 30.0),
    ];
    let data = rows
        .iter()
        .map(|a| {
            vec![
                a.username.clone(),
                a.display_name.clone(),
                role_zh(&a.role).into(),
                status_zh(&a.status).into(),
                a.organisation.as_ref().map(|o| o.name.clone()).unwrap_or_default(),
                a.recommender.as_ref().map(|o| o.name.clone()).unwrap_or_default(),
                a.department.clone().unwrap_or_default(),
                a.email.clone().unwrap_or_default(),
                a.phone.clone().unwrap_or_default(),
                shanghai(a.created_at),
                a.rejection_reason.clone().unwrap_or_default(),
            ]
        })
        .collect();
    Ok(download(sheet("账号", &headers, data)?, "账号列表.xlsx"))
}

pub(crate) fn organisations(rows: &[Organisation], districts: &HashMap<String, String>) -> ApiResult<Response> {
    let headers = [
        ("单位名称", 30.0),
        ("统一社会信用代码", 22.0),
        ("单位类型", 12.0),
        ("所在区县", 10.0),
        ("注册资本（万元）", 14.0),
        ("上年度营业收入（万元）", 18.0),
        ("规上统计", 8.0),
        ("信用状态", 8.0),
        ("资质", 40.0),
        ("推荐单位", 24.0),
    ];
    let data = rows
        .iter()
        .map(|o| {
            vec![
                o.name.clone(),
                o.credit_code.clone(),
                org_type_zh(&o.org_type).into(),
                o.district.as_ref().map(|d| districts.get(d).cloned().unwrap_or_else(|| d.clone())).unwrap_or_default(),
                wan_yuan(o.registered_capital_fen),
                wan_yuan(o.last_year_revenue_fen),
                if o.in_statistics_scope { "是" } else { "否" }.into(),
                match o.credit_status.as_str() {
                    "good" => "良好",
                    "penalty" => "处罚期",
                    _ => "黑名单",
                }
                .into(),
                o.certifications
                    .iter()
                    .map(|c| format!("{}（{} 至 {}）", c.kind, c.valid_from, c.valid_until))
                    .collect::<Vec<_>>()
                    .join("；"),
                o.recommender.as_ref().map(|r| r.name.clone()).unwrap_or_default(),
            ]
        })
        .collect();
    Ok(download(sheet("单位", &headers, data)?, "单位列表.xlsx"))
}

const IMPORT_HEADERS: [(&str, f64); 8] = [
    ("用户名", 16.0),
    ("姓名", 12.0),
    ("角色", 14.0),
    ("单位统一社会信用代码", 24.0),
    ("科室", 14.0),
    ("邮箱", 24.0),
    ("手机", 14.0),
    ("初始密码", 16.0),
];

pub(crate) fn account_template() -> ApiResult<Response> {
    let example = vec![vec![
        "zhangsan".into(),
        "张三".into(),
        "专家".into(),
        String::new(),
        String::new(),
        "zhangsan@example.com".into(),
        "13800000000".into(),
        "Init#Passw0rd".into(),
    ]];
    Ok(download(sheet("账号导入", &IMPORT_HEADERS, example)?, "账号导入模板.xlsx"))
}

/// One data row of an import file.
pub(crate) struct AccountRow {
    /// The spreadsheet's row number, as the clerk sees it.
    pub line: usize,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub credit_code: Option<String>,
    pub department: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub password: String,
}

fn cell(row: &[Data], i: usize) -> String {
    match row.get(i) {
        Some(Data::Float(f)) if f.fract() == 0.0 => format!("{}", *f as i64),
        Some(Data::Empty) | None => String::new(),
        Some(d) => d.to_string().trim().to_string(),
    }
}

/// Role from its Chinese label or its code.
fn role_code(text: &str) -> String {
    Role::ALL
        .iter()
        .find(|r| role_zh(r.as_str()) == text)
        .map(|r| r.as_str().to_string())
        .unwrap_or_else(|| text.to_string())
}

pub(crate) fn read_account_rows(bytes: &[u8]) -> ApiResult<Vec<AccountRow>> {
    let unreadable = || {
        ApiError::field(
            "file",
            "unreadable",
            "无法读取该文件，请使用导入模板（.xlsx）",
            "This file cannot be read; use the import template (.xlsx)",
        )
    };
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).map_err(|_| unreadable())?;
    let range = wb.worksheet_range_at(0).ok_or_else(unreadable)?.map_err(|_| unreadable())?;
    let mut rows = Vec::new();
    for (i, row) in range.rows().enumerate().skip(1) {
        let values: Vec<String> = (0..IMPORT_HEADERS.len()).map(|c| cell(row, c)).collect();
        if values.iter().all(String::is_empty) {
            continue;
        }
        let opt = |s: &String| Some(s.clone()).filter(|s| !s.is_empty());
        rows.push(AccountRow {
            line: i + 1,
            username: values[0].clone(),
            display_name: values[1].clone(),
            role: role_code(&values[2]),
            credit_code: opt(&values[3]),
            department: opt(&values[4]),
            email: opt(&values[5]),
            phone: opt(&values[6]),
            password: values[7].clone(),
        });
    }
    Ok(rows)
}

/// The recommending unit's summary table (推荐汇总表): title, unit and contact lines, then
/// one row per recommended application; the letter (推荐函) on a second sheet.
pub(crate) fn summary_table(docs: &crate::grants::review::RecommendationDocuments) -> ApiResult<Response> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("推荐汇总表").map_err(xlsx_error)?;
    let bold = Format::new().set_bold();
    let title_format = Format::new().set_bold().set_font_size(16);
    ws.write_string_with_format(0, 0, &docs.table_title, &title_format).map_err(xlsx_error)?;
    ws.write_string(1, 0, format!("推荐单位（盖章）：{}", docs.unit)).map_err(xlsx_error)?;
    ws.write_string(2, 0, format!("联系人：{}    联系电话：{}", docs.contact, docs.phone)).map_err(xlsx_error)?;
    let headers = [
        ("序号", 6.0),
        ("项目名称", 36.0),
        ("申报单位", 30.0),
        ("申报类别", 20.0),
        ("项目负责人", 12.0),
        ("申请经费（万元）", 16.0),
    ];
    for (c, (h, w)) in headers.iter().enumerate() {
        ws.write_string_with_format(4, c as u16, *h, &bold).map_err(xlsx_error)?;
        ws.set_column_width(c as u16, *w).map_err(xlsx_error)?;
    }
    for (r, row) in docs.rows.iter().enumerate() {
        let values =
            [&row.no.to_string(), &row.title, &row.organisation, &row.category, &row.pi_name, &row.requested_wan];
        for (c, v) in values.iter().enumerate() {
            ws.write_string(r as u32 + 5, c as u16, *v).map_err(xlsx_error)?;
        }
    }
    if let Some(letter) = &docs.letter {
        let ws = wb.add_worksheet();
        ws.set_name("推荐函").map_err(xlsx_error)?;
        ws.set_column_width(0, 90.0).map_err(xlsx_error)?;
        let wrap = Format::new().set_text_wrap();
        let lines = [
            (&letter.heading, &title_format),
            (&letter.addressee, &wrap),
            (&letter.body, &wrap),
            (&letter.enclosure, &wrap),
            (&letter.signature, &wrap),
            (&letter.date, &wrap),
        ];
        for (r, (text, format)) in lines.iter().enumerate() {
            let row = if r >= 4 { r as u32 + 2 } else { r as u32 };
            ws.write_string_with_format(row, 0, text.as_str(), format).map_err(xlsx_error)?;
        }
        ws.set_row_height(2, 60.0).map_err(xlsx_error)?;
    }
    Ok(download(wb.save_to_buffer().map_err(xlsx_error)?, "推荐汇总表.xlsx"))
}

/// The bureau's list of applications.
pub(crate) fn application_list(rows: Vec<Vec<String>>) -> ApiResult<Response> {
    let headers = [
        ("项目名称", 36.0),
        ("申报单位", 30.0),
        ("类别", 16.0),
        ("子类", 10.0),
        ("项目负责人", 12.0),
        ("申请经费（万元）", 16.0),
        ("状态", 12.0),
        ("提交时间（北京时间）", 20.0),
        ("推荐单位", 24.0),
    ];
    Ok(download(sheet("申报项目", &headers, rows)?, "申报项目列表.xlsx"))
}

/// The ranking of a review round (评审排序表).
pub(crate) fn review_ranking(round_name: &str, rows: Vec<Vec<String>>) -> ApiResult<Response> {
    let headers = [
        ("排名", 8.0),
        ("项目名称", 36.0),
        ("申报单位", 30.0),
        ("子类", 10.0),
        ("申请经费（万元）", 16.0),
        ("评审份数", 10.0),
        ("专家评分", 12.0),
        ("加分", 8.0),
        ("加分依据", 20.0),
        ("最终得分", 12.0),
        ("达到分数线", 12.0),
        ("现场考评", 12.0),
        ("拟资助（万元）", 14.0),
    ];
    Ok(download(sheet("评审排序", &headers, rows)?, &format!("{round_name}评审排序表.xlsx")))
}

/// The task contract (任务合同书) as a workbook: a title row, then one labelled row per
/// item (label, value) and a disbursement sheet when money was paid.
pub(crate) fn contract_workbook(
    title: &str,
    items: &[(&str, String)],
    disbursements: &[(String, String, String)],
) -> ApiResult<Vec<u8>> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("任务合同书").map_err(xlsx_error)?;
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    ws.set_column_width(0, 22).map_err(xlsx_error)?;
    ws.set_column_width(1, 80).map_err(xlsx_error)?;
    ws.write_string_with_format(0, 0, title, &bold).map_err(xlsx_error)?;
    for (r, (label, value)) in items.iter().enumerate() {
        let r = r as u32 + 2;
        ws.write_string_with_format(r, 0, *label, &bold).map_err(xlsx_error)?;
        ws.write_string_with_format(r, 1, value, &wrap).map_err(xlsx_error)?;
    }
    if !disbursements.is_empty() {
        let ws = wb.add_worksheet();
        ws.set_name("拨款记录").map_err(xlsx_error)?;
        for (c, (h, w)) in [("拨款日期", 14.0), ("金额（万元）", 14.0), ("备注", 40.0)].iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &bold).map_err(xlsx_error)?;
            ws.set_column_width(c as u16, *w).map_err(xlsx_error)?;
        }
        for (r, (on, amount, note)) in disbursements.iter().enumerate() {
            let r = r as u32 + 1;
            ws.write_string(r, 0, on).map_err(xlsx_error)?;
            ws.write_string(r, 1, amount).map_err(xlsx_error)?;
            ws.write_string(r, 2, note).map_err(xlsx_error)?;
        }
    }
    wb.save_to_buffer().map_err(xlsx_error)
}

const EXPERT_HEADERS: [(&str, f64); 9] = [
    ("姓名", 12.0),
    ("登录账号（可空）", 16.0),
    ("单位统一社会信用代码", 24.0),
    ("职称", 14.0),
    ("专业领域代码（多个用逗号分隔）", 30.0),
    ("近期合作者（多个用逗号分隔）", 30.0),
    ("手机", 14.0),
    ("邮箱", 24.0),
    ("可参评（是/否）", 14.0),
];

/// The Excel template for importing experts into the pool.
pub(crate) fn expert_template() -> ApiResult<Response> {
    let example = vec![vec![
        "张三".into(),
        "zhangsan".into(),
        "91510300MA62XXXXXX".into(),
        "教授".into(),
        "health,biomed".into(),
        "李四,王五".into(),
        "13800000000".into(),
        "zhangsan@example.com".into(),
        "是".into(),
    ]];
    Ok(download(sheet("专家导入", &EXPERT_HEADERS, example)?, "专家导入模板.xlsx"))
}

/// One data row of an expert import file.
pub(crate) struct ExpertRow {
    /// The spreadsheet's row number, as the clerk sees it.
    pub line: usize,
    pub name: String,
    pub username: Option<String>,
    pub credit_code: Option<String>,
    pub title: String,
    pub fields: Vec<String>,
    pub collaborators: Vec<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// `None` when the cell is neither 是/否 nor yes/no.
    pub available: Option<bool>,
}

fn split_list(text: &str) -> Vec<String> {
    text.split([',', '，', '、', ';', '；']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

pub(crate) fn read_expert_rows(bytes: &[u8]) -> ApiResult<Vec<ExpertRow>> {
    let unreadable = || {
        ApiError::field(
            "file",
            "unreadable",
            "无法读取该文件，请使用导入模板（.xlsx）",
            "This file cannot be read; use the import template (.xlsx)",
        )
    };
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).map_err(|_| unreadable())?;
    let range = wb.worksheet_range_at(0).ok_or_else(unreadable)?.map_err(|_| unreadable())?;
    let mut rows = Vec::new();
    for (i, row) in range.rows().enumerate().skip(1) {
        let values: Vec<String> = (0..EXPERT_HEADERS.len()).map(|c| cell(row, c)).collect();
        if values.iter().all(String::is_empty) {
            continue;
        }
        let opt = |s: &String| Some(s.clone()).filter(|s| !s.is_empty());
        rows.push(ExpertRow {
            line: i + 1,
            name: values[0].clone(),
            username: opt(&values[1]),
            credit_code: opt(&values[2]),
            title: values[3].clone(),
            fields: split_list(&values[4]),
            collaborators: split_list(&values[5]),
            phone: opt(&values[6]),
            email: opt(&values[7]),
            available: match values[8].to_lowercase().as_str() {
                "" | "是" | "yes" | "y" | "true" => Some(true),
                "否" | "no" | "n" | "false" => Some(false),
                _ => None,
            },
        });
    }
    Ok(rows)
}
