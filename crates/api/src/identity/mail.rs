//! Mails of the identity context. Each is written to the outbox inside the transaction
//! of the change it reports, so a mail exists exactly when the change does.

use chrono::{DateTime, Utc};
use kc_db::ConnectionTrait;

use crate::error::ApiResult;

/// A mail in both languages, Chinese first.
pub struct Mail {
    pub subject: String,
    pub body: String,
}

pub fn registration_received(name: &str, username: &str) -> Mail {
    Mail {
        subject: "【科创平台】注册申请已收到 / Registration received".into(),
        body: format!(
            "{name}，您好：\n\n您的账号 {username} 已提交注册，正在等待科技局审核。审核结果将通过邮件通知，也可登录查看。\n\n\
             Dear {name},\n\nYour account {username} is registered and awaits approval by the S&T bureau. \
             You will be told the result by mail; you can also see it when you log in.\n"
        ),
    }
}

pub fn account_approved(name: &str, username: &str, public_url: &str) -> Mail {
    Mail {
        subject: "【科创平台】账号已审核通过 / Account approved".into(),
        body: format!(
            "{name}，您好：\n\n您的账号 {username} 已审核通过，现在可以登录：{public_url}/login\n\n\
             Dear {name},\n\nYour account {username} has been approved. Log in at {public_url}/login\n"
        ),
    }
}

pub fn account_rejected(name: &str, username: &str, reason: &str) -> Mail {
    Mail {
        subject: "【科创平台】账号审核未通过 / Account not approved".into(),
        body: format!(
            "{name}，您好：\n\n您的账号 {username} 未通过审核。原因：{reason}\n如有疑问请联系科技局。\n\n\
             Dear {name},\n\nYour account {username} was not approved. Reason: {reason}\n\
             Please contact the S&T bureau with any questions.\n"
        ),
    }
}

pub fn account_issued(name: &str, username: &str, public_url: &str) -> Mail {
    Mail {
        subject: "【科创平台】科技局为您开通了账号 / An account was issued to you".into(),
        body: format!(
            "{name}，您好：\n\n科技局已为您开通账号 {username}。初始密码由科技局另行告知，首次登录后请修改密码：{public_url}/login\n\n\
             Dear {name},\n\nThe S&T bureau issued you the account {username}. The bureau gives you the initial \
             password separately; please change it after your first log-in at {public_url}/login\n"
        ),
    }
}

pub fn password_reset(name: &str, link: &str, minutes: i64) -> Mail {
    Mail {
        subject: "【科创平台】重置密码 / Reset your password".into(),
        body: format!(
            "{name}，您好：\n\n请在 {minutes} 分钟内打开以下链接重置密码：\n{link}\n如果不是您本人操作，请忽略本邮件。\n\n\
             Dear {name},\n\nOpen this link within {minutes} minutes to reset your password:\n{link}\n\
             If you did not ask for this, ignore this mail.\n"
        ),
    }
}

/// Writes `mail` to the outbox when the recipient has an address.
pub async fn send(conn: &impl ConnectionTrait, now: DateTime<Utc>, to: Option<&str>, mail: Mail) -> ApiResult<()> {
    if let Some(to) = to.filter(|t| !t.is_empty()) {
        kc_db::outbox::enqueue(conn, now, to, &mail.subject, &mail.body).await?;
    }
    Ok(())
}
