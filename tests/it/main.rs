//! The one integration-test binary (one link step instead of many).

mod tidy;
