# Write a numeric R array as a float32 .npy file (NumPy format v1.0, C order).
# R stores arrays column-major (first index fastest); .npy C order wants the last index fastest, so the
# dimensions are reversed with aperm before the values are written.

write_npy_f32 <- function(array, path) {
  shape <- dim(array)
  dict <- sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }", paste0(shape, collapse = ", "))
  total <- 10 + nchar(dict) + 1
  padding <- (64 - total %% 64) %% 64
  header <- paste0(dict, strrep(" ", padding), "\n")
  connection <- file(path, "wb")
  on.exit(close(connection))
  writeBin(as.raw(c(0x93, charToRaw("NUMPY"), 0x01, 0x00)), connection)
  writeBin(as.integer(nchar(header)), connection, size = 2, endian = "little")
  writeBin(charToRaw(header), connection)
  writeBin(as.vector(aperm(array, rev(seq_along(shape)))), connection, size = 4, endian = "little")
  invisible(path)
}
