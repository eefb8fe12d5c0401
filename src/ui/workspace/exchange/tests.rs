//! Faktur > Impor and Ekspor through the window.
