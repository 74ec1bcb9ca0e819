//! The recommendation letter (推荐函) a recommending unit sends with its summary table,
//! worded as in the bureau's template (seed 003, 附件2).

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecommendationLetter {
    /// 关于推荐“…”等N个项目申报…的函
    pub heading: String,
    /// The bureau, followed by a full-width colon.
    pub addressee: String,
    pub body: String,
    /// 附件：《…推荐汇总表》
    pub enclosure: String,
    /// The unit, to be sealed (盖章).
    pub signature: String,
    /// 2021年4月30日
    pub date: String,
}

/// The letter recommending `titles` (in table order) to `call_title` of `issuer`; `None`
/// when nothing is recommended.
pub fn recommendation_letter(
    issuer: &str,
    call_title: &str,
    unit: &str,
    titles: &[String],
    date: NaiveDate,
) -> Option<RecommendationLetter> {
    let first = titles.first()?;
    let projects = match titles.len() {
        1 => format!("“{first}”项目"),
        n => format!("“{first}”等{n}个项目"),
    };
    Some(RecommendationLetter {
        heading: format!("关于推荐{projects}申报{call_title}的函"),
        addressee: format!("{issuer}："),
        body: format!(
            "经{unit}考察、研究决定，现推荐{projects}申报{call_title}，并对所推荐项目申报资料的真实性、合法性、合规性负责。"
        ),
        enclosure: format!("附件：《{call_title}推荐汇总表》"),
        signature: format!("{unit}（盖章）"),
        date: format!("{}年{}月{}日", date.year(), date.month(), date.day()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date() -> NaiveDate {
        NaiveDate::from_ymd_opt(2021, 4, 30).unwrap_or_default()
    }

    #[test]
    fn the_letter_names_the_first_project_and_the_count() {
        let titles = vec!["智能流体阀门远程诊断".to_string(), "盐卤综合利用".to_string()];
        let l = recommendation_letter(
            "自贡市科学技术局",
            "2021年度自贡市重点科技计划项目",
            "自流井区科学技术局",
            &titles,
            date(),
        )
        .unwrap_or_else(|| unreachable!());
        assert_eq!(l.heading, "关于推荐“智能流体阀门远程诊断”等2个项目申报2021年度自贡市重点科技计划项目的函");
        assert_eq!(l.addressee, "自贡市科学技术局：");
        assert!(l.body.starts_with("经自流井区科学技术局考察、研究决定，现推荐“智能流体阀门远程诊断”等2个项目"));
        assert_eq!(l.enclosure, "附件：《2021年度自贡市重点科技计划项目推荐汇总表》");
        assert_eq!(l.signature, "自流井区科学技术局（盖章）");
        assert_eq!(l.date, "2021年4月30日");
    }

    #[test]
    fn one_project_is_not_counted_and_none_gives_no_letter() {
        let one = vec!["盐卤综合利用".to_string()];
        let l = recommendation_letter("局", "计划", "单位", &one, date()).unwrap_or_else(|| unreachable!());
        assert_eq!(l.heading, "关于推荐“盐卤综合利用”项目申报计划的函");
        assert!(recommendation_letter("局", "计划", "单位", &[], date()).is_none());
    }
}
