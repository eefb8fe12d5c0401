//! The screens before login, one module each: state, `Message`, `Action`, `new`, `update`, `view`.

pub mod captcha;
pub mod connect;
pub mod fatal;
pub mod login;
pub mod register;
pub mod register_user;
