/* gabor-c: a V1-like Gabor filter bank (HMAX S1/C1) answering the braindock v1 container contract. */
#ifndef GABOR_MODEL_H
#define GABOR_MODEL_H

#include <stddef.h>
#include <jansson.h>

#define SIDE 64           /* every stimulus is resampled to SIDE x SIDE grey pixels (the field of view) */
#define ORIENTATIONS 4    /* 0, 45, 90, 135 degrees */
#define SCALES 2          /* wavelengths 4 and 7 pixels */
#define CHANNELS (ORIENTATIONS * SCALES)
#define ERROR_SIZE 512

/* A pooled view of the C1 energy maps: the unit that stands for one region. */
typedef struct {
    const char *region;   /* V1, V2, V4, IT */
    const char *layer;    /* name reported in the description and the response */
    int block;            /* pooling block side in pixels (SIDE must be a multiple) */
    int use_max;          /* 1: max over the block (C1-style), 0: mean */
} layer_t;

#define LAYER_COUNT 4
extern const layer_t LAYERS[LAYER_COUNT];
size_t layer_neuroids(const layer_t *layer);

/* request.c: the run request, validated field by field (errors name the JSON path). */
typedef struct {
    json_t *root;                 /* owns every string below */
    const char *request_id;
    size_t n_stimuli;
    const char **stimulus_ids;
    const char **paths;           /* relative to the input folder */
    size_t n_regions;
    const char **regions;
    json_t *time_bins;            /* borrowed from root; copied into the response as is */
    size_t n_bins;
} request_t;

int request_read(const char *path, request_t *request, char *error);
void request_free(request_t *request);

/* image.c: a PNG as SIDE x SIDE grey values in [0, 1] (alpha composited on mid grey). */
int image_read_grey(const char *path, float *pixels, char *error);

/* gabor.c: the filter bank and its pooled layers. */
void gabor_init(void);
void gabor_energy(const float *pixels, float *energy);   /* energy: CHANNELS x SIDE x SIDE */
void layer_pool(const layer_t *layer, const float *energy, float *out);

/* npy.c: write a float32 C-order array of shape (d0, d1, d2) as .npy v1.0. */
int npy_write_f32(const char *path, const float *data, size_t d0, size_t d1, size_t d2, char *error);

#endif
