# hmax-r: an HMAX-like model (Riesenhuber & Poggio 1999; Serre et al. 2007) answering the braindock v1 contract.
#   Rscript model.R describe          print the model description (JSON) on stdout
#   Rscript model.R run REQUEST.json  answer a run request: /output/<region>.npy and /output/response.json
# S1: |Gabor| at 4 orientations on a 64x64 grey image -> C1: max over 8x8 windows every 4 pixels (15x15x4)
# -> S2: cosine tuning of every 4x4x4 C1 patch to 256 fixed random prototypes (12x12 positions)
# -> C2: max of each S2 prototype over all positions.
suppressPackageStartupMessages({
  library(png)
  library(jsonlite)
})
script_dir <- dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)[1]))
source(file.path(script_dir, "npy.R"))

SIDE <- 64
ORIENTATIONS <- c(0, 45, 90, 135)
WAVELENGTH <- 5.6
SIGMA <- 2.8
GAMMA <- 0.3
HALF <- 5           # 11x11 S1 kernels
C1_WINDOW <- 8
C1_STRIDE <- 4
S2_PATCH <- 4       # C1 positions per side of an S2 patch
PROTOTYPES <- 256
PROTOTYPE_SEED <- 20240601  # part of the model (its "weights"), not the request's seed

DESCRIPTION <- list(
  spec_version = "1.0", identifier = "hmax-r", version = "1.0.0",
  authors = list(list(name = "braindock team")), license = "MIT", modality = "image",
  description = paste(
    "An HMAX-like model written in R: S1 |Gabor| filters (4 orientations, wavelength 5.6 px) on the stimulus",
    "resampled to 64x64 grey pixels; C1 max over 8x8 windows every 4 pixels (V1, 900 units); S2 cosine tuning of",
    "4x4x4 C1 patches to 256 prototypes drawn at random from a fixed seed (not learned from images), max-pooled per",
    "image quadrant (V4, 1024 units); C2 the maximum of each prototype over the image (IT, 256 units).",
    "Deterministic; the request's seed is unused."),
  regions = list(V1 = list(layer = "C1", neuroids = 900), V4 = list(layer = "S2-quadrants", neuroids = 1024),
                 IT = list(layer = "C2", neuroids = 256)),
  time_bins = list(c(70, 170)), visual_degrees = 8, tasks = list("passive")
)

# Linear interpolation matrix taking `from` samples to `to` samples (pixel centres aligned).
interpolation <- function(from, to) {
  position <- pmin(pmax((seq_len(to) - 0.5) * from / to + 0.5, 1), from)
  lower <- floor(position)
  upper <- pmin(lower + 1, from)
  weight <- position - lower
  matrix_out <- matrix(0, to, from)
  matrix_out[cbind(seq_len(to), lower)] <- 1 - weight
  matrix_out[cbind(seq_len(to), upper)] <- matrix_out[cbind(seq_len(to), upper)] + weight
  matrix_out
}

read_grey <- function(path) {
  image <- readPNG(path)
  if (length(dim(image)) == 3) {
    channels <- dim(image)[3]
    alpha <- if (channels %in% c(2, 4)) image[, , channels] else 1
    colour <- if (channels >= 3) 0.299 * image[, , 1] + 0.587 * image[, , 2] + 0.114 * image[, , 3] else image[, , 1]
    image <- colour * alpha + 0.5 * (1 - alpha)
  }
  interpolation(nrow(image), SIDE) %*% image %*% t(interpolation(ncol(image), SIDE))
}

gabor <- function(theta_degrees) {
  grid <- -HALF:HALF
  x <- matrix(grid, length(grid), length(grid), byrow = TRUE)
  y <- t(x)
  theta <- theta_degrees * pi / 180
  u <- x * cos(theta) + y * sin(theta)
  v <- -x * sin(theta) + y * cos(theta)
  kernel <- exp(-(u^2 + GAMMA^2 * v^2) / (2 * SIGMA^2)) * cos(2 * pi * u / WAVELENGTH)
  kernel <- kernel - mean(kernel)
  kernel / sqrt(sum(kernel^2))
}

# "Same"-size 2-D convolution through the FFT, on a zero-padded canvas (no wrap-around).
FFT_SIDE <- SIDE + 2 * HALF
KERNEL_SPECTRA <- lapply(ORIENTATIONS, function(theta) {
  canvas <- matrix(0, FFT_SIDE, FFT_SIDE)
  canvas[1:(2 * HALF + 1), 1:(2 * HALF + 1)] <- gabor(theta)
  fft(canvas)
})

s1 <- function(image) {
  canvas <- matrix(0, FFT_SIDE, FFT_SIDE)
  canvas[1:SIDE, 1:SIDE] <- image - mean(image)
  spectrum <- fft(canvas)
  keep <- (HALF + 1):(HALF + SIDE)
  lapply(KERNEL_SPECTRA, function(k) abs(Re(fft(spectrum * k, inverse = TRUE)) / FFT_SIDE^2)[keep, keep])
}

C1_STARTS <- seq(1, SIDE - C1_WINDOW + 1, by = C1_STRIDE)
window_max <- function(map) {  # separable max: over rows, then over columns
  rows <- sapply(C1_STARTS, function(s) apply(map[s:(s + C1_WINDOW - 1), , drop = FALSE], 2, max))  # SIDE x positions
  t(sapply(C1_STARTS, function(s) apply(rows[s:(s + C1_WINDOW - 1), , drop = FALSE], 2, max)))       # positions x positions
}

C1_SIDE <- length(C1_STARTS)
S2_SIDE <- C1_SIDE - S2_PATCH + 1
# Index of every S2 patch's inputs in the C1 array (C1_SIDE x C1_SIDE x orientations): S2 positions x inputs.
PATCH_INDEX <- local({
  offsets <- expand.grid(r = 0:(S2_PATCH - 1), c = 0:(S2_PATCH - 1), o = seq_along(ORIENTATIONS))
  starts <- expand.grid(r = 1:S2_SIDE, c = 1:S2_SIDE)
  t(sapply(seq_len(nrow(starts)), function(p)
    (starts$r[p] + offsets$r) + (starts$c[p] + offsets$c - 1) * C1_SIDE + (offsets$o - 1) * C1_SIDE^2))
})
PROTOTYPE_MATRIX <- local({
  set.seed(PROTOTYPE_SEED)
  raw <- matrix(rnorm(ncol(PATCH_INDEX) * PROTOTYPES), ncol(PATCH_INDEX), PROTOTYPES)
  sweep(raw, 2, sqrt(colSums(raw^2)), "/")
})
QUADRANT <- with(expand.grid(r = 1:S2_SIDE, c = 1:S2_SIDE), 1 + (r > S2_SIDE / 2) + 2 * (c > S2_SIDE / 2))

features <- function(path) {
  c1 <- simplify2array(lapply(s1(read_grey(path)), window_max))   # C1_SIDE x C1_SIDE x orientations
  patches <- matrix(c1[PATCH_INDEX], nrow(PATCH_INDEX))
  patches <- patches / pmax(sqrt(rowSums(patches^2)), 1e-12)
  s2 <- patches %*% PROTOTYPE_MATRIX                              # positions x prototypes
  quadrants <- sapply(1:4, function(q) apply(s2[QUADRANT == q, , drop = FALSE], 2, max))
  list(V1 = as.vector(c1), V4 = as.vector(quadrants), IT = apply(s2, 2, max))
}

run <- function(request_path) {
  input <- Sys.getenv("BRAINDOCK_INPUT", "/input")
  output <- Sys.getenv("BRAINDOCK_OUTPUT", "/output")
  request <- fromJSON(request_path, simplifyVector = FALSE)
  regions <- unlist(request$record$regions)
  unknown <- setdiff(regions, names(DESCRIPTION$regions))
  if (length(unknown) > 0) stop("regions not committed by this model: ", paste(unknown, collapse = ", "))
  ids <- vapply(request$stimuli, function(s) s$stimulus_id, "")
  answers <- lapply(request$stimuli, function(s) features(file.path(input, s$path)))
  bins <- length(request$record$time_bins)
  activations <- list()
  for (region in regions) {
    rows <- t(sapply(answers, function(a) a[[region]]))                       # stimuli x neuroids
    values <- array(rep(rows, times = bins), c(nrow(rows), ncol(rows), bins))  # a static model repeats per bin
    write_npy_f32(values, file.path(output, paste0(region, ".npy")))
    activations[[region]] <- list(file = paste0(region, ".npy"), stimulus_ids = as.list(ids),
                                  time_bins = request$record$time_bins, layer = DESCRIPTION$regions[[region]]$layer)
  }
  response <- list(spec_version = "1.0", request_id = request$request_id,
                   activations = if (length(activations)) activations else structure(list(), names = character(0)))
  write_json(response, file.path(output, "response.json"), auto_unbox = TRUE, digits = NA)
}

args <- commandArgs(trailingOnly = TRUE)
if (length(args) >= 1 && args[1] == "describe") {
  cat(toJSON(DESCRIPTION, auto_unbox = TRUE, digits = NA), "\n")
} else if (length(args) >= 1 && args[1] == "run") {
  run(if (length(args) >= 2) args[2] else "/input/request.json")
} else {
  message("usage: model.R describe | model.R run /input/request.json")
  quit(status = 2)
}
