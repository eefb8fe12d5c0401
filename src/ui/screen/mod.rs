//! One module per screen: state, `Message`, `Action`, `new`, `update`, `view`.

pub mod captcha;
pub mod certificate;
pub mod connect;
pub mod fatal;
pub mod login;
pub mod main_window;
pub mod register;
pub mod register_user;
