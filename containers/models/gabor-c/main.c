/* gabor-c entry point: `describe` prints the model description; `run REQUEST` answers a run request. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

static const char DESCRIPTION[] =
    "{\"spec_version\": \"1.0\", \"identifier\": \"gabor-c\", \"version\": \"1.0.0\","
    " \"authors\": [{\"name\": \"braindock team\"}], \"license\": \"MIT\", \"modality\": \"image\","
    " \"description\": \"A V1-like Gabor filter bank written in C (HMAX S1/C1): the stimulus is resampled to 64x64 grey"
    " pixels; quadrature Gabor pairs at 4 orientations and wavelengths of 4 and 7 pixels give local energy (complex cells);"
    " V1 is that energy max-pooled over 4x4-pixel blocks (C1, 2048 units), V2, V4 and IT are coarser poolings of the same"
    " maps (8x8 max, 16x16 max, 32x32 mean). No learned weights; deterministic; the seed is unused.\","
    " \"regions\": {\"V1\": {\"layer\": \"c1-4px\", \"neuroids\": 2048}, \"V2\": {\"layer\": \"c1-8px\", \"neuroids\": 512},"
    " \"V4\": {\"layer\": \"c1-16px\", \"neuroids\": 128}, \"IT\": {\"layer\": \"c1-32px-mean\", \"neuroids\": 32}},"
    " \"time_bins\": [[70, 170]], \"visual_degrees\": 8, \"tasks\": [\"passive\"]}";

static const layer_t *layer_for(const char *region)
{
    for (int i = 0; i < LAYER_COUNT; i++)
        if (strcmp(LAYERS[i].region, region) == 0)
            return &LAYERS[i];
    return NULL;
}

static int fail(const char *error)
{
    fprintf(stderr, "gabor-c: %s\n", error);
    return 1;
}

static int run(const char *request_path)
{
    const char *input = getenv("BRAINDOCK_INPUT") ? getenv("BRAINDOCK_INPUT") : "/input";
    const char *output = getenv("BRAINDOCK_OUTPUT") ? getenv("BRAINDOCK_OUTPUT") : "/output";
    char error[ERROR_SIZE], path[4096];
    request_t request;
    if (request_read(request_path, &request, error) != 0) {
        request_free(&request);
        return fail(error);
    }
    for (size_t r = 0; r < request.n_regions; r++)
        if (!layer_for(request.regions[r])) {
            snprintf(error, ERROR_SIZE, "region %.100s is not one this model commits to (V1, V2, V4, IT)", request.regions[r]);
            request_free(&request);
            return fail(error);
        }
    /* features[layer]: n_stimuli x neuroids, filled one stimulus at a time */
    float *features[LAYER_COUNT];
    float *energy = malloc(sizeof(float) * CHANNELS * SIDE * SIDE);
    int status = energy ? 0 : -1;
    for (int l = 0; l < LAYER_COUNT; l++) {
        features[l] = malloc(sizeof(float) * request.n_stimuli * layer_neuroids(&LAYERS[l]));
        status = features[l] ? status : -1;
    }
    gabor_init();
    for (size_t i = 0; status == 0 && i < request.n_stimuli; i++) {
        float pixels[SIDE * SIDE];
        snprintf(path, sizeof path, "%s/%s", input, request.paths[i]);
        status = image_read_grey(path, pixels, error);
        if (status != 0)
            break;
        gabor_energy(pixels, energy);
        for (int l = 0; l < LAYER_COUNT; l++)
            layer_pool(&LAYERS[l], energy, features[l] + i * layer_neuroids(&LAYERS[l]));
    }
    json_t *activations = json_object();
    for (size_t r = 0; status == 0 && r < request.n_regions; r++) {
        const layer_t *layer = layer_for(request.regions[r]);
        int l = (int)(layer - LAYERS);
        size_t k = layer_neuroids(layer), t = request.n_bins, n = request.n_stimuli;
        float *array = malloc(sizeof(float) * n * k * t);  /* (stimuli, neuroids, time_bins): a static model repeats its answer per bin */
        if (!array) {
            snprintf(error, ERROR_SIZE, "out of memory");
            status = -1;
            break;
        }
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < k; j++)
                for (size_t b = 0; b < t; b++)
                    array[(i * k + j) * t + b] = features[l][i * k + j];
        char file[64];
        snprintf(file, sizeof file, "%s.npy", layer->region);
        snprintf(path, sizeof path, "%s/%s", output, file);
        status = npy_write_f32(path, array, n, k, t, error);
        free(array);
        json_t *ids = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(ids, json_string(request.stimulus_ids[i]));
        json_object_set_new(activations, layer->region, json_pack("{s:s, s:o, s:O, s:s}", "file", file, "stimulus_ids", ids,
                                                                  "time_bins", request.time_bins, "layer", layer->layer));
    }
    if (status == 0) {
        json_t *response = json_pack("{s:s, s:s, s:O}", "spec_version", "1.0", "request_id", request.request_id, "activations", activations);
        snprintf(path, sizeof path, "%s/response.json", output);
        if (!response || json_dump_file(response, path, JSON_COMPACT) != 0) {
            snprintf(error, ERROR_SIZE, "cannot write %.300s", path);
            status = -1;
        }
        json_decref(response);
    }
    json_decref(activations);
    for (int l = 0; l < LAYER_COUNT; l++)
        free(features[l]);
    free(energy);
    request_free(&request);
    return status == 0 ? 0 : fail(error);
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "describe") == 0) {
        puts(DESCRIPTION);
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "run") == 0)
        return run(argc >= 3 ? argv[2] : "/input/request.json");
    fprintf(stderr, "usage: gabor describe | gabor run /input/request.json\n");
    return 2;
}
