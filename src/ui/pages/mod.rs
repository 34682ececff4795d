//! One module per page of `API.md`, "Pages".

pub mod landing;
pub mod not_found;
