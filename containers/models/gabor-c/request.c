/* Read /input/request.json with jansson and check every field this model uses; errors name the JSON path. */
#include <stdio.h>
#include <stdlib.h>

#include "model.h"

static const char *string_at(json_t *object, const char *key, const char *where, char *error)
{
    json_t *value = json_object_get(object, key);
    if (!json_is_string(value)) {
        snprintf(error, ERROR_SIZE, "request.json#%.100s/%.100s: expected a string", where, key);
        return NULL;
    }
    return json_string_value(value);
}

int request_read(const char *path, request_t *request, char *error)
{
    json_error_t parse;
    json_t *root = json_load_file(path, 0, &parse);
    request->root = root;
    request->stimulus_ids = request->paths = request->regions = NULL;
    if (!root) {
        snprintf(error, ERROR_SIZE, "%.300s:%d:%d: %.150s", path, parse.line, parse.column, parse.text);
        return -1;
    }
    if (!json_is_object(root)) {
        snprintf(error, ERROR_SIZE, "request.json: expected an object");
        return -1;
    }
    if (!(request->request_id = string_at(root, "request_id", "", error)))
        return -1;
    json_t *stimuli = json_object_get(root, "stimuli");
    json_t *record = json_object_get(root, "record");
    json_t *regions = json_is_object(record) ? json_object_get(record, "regions") : NULL;
    request->time_bins = json_is_object(record) ? json_object_get(record, "time_bins") : NULL;
    if (!json_is_array(stimuli) || json_array_size(stimuli) == 0) {
        snprintf(error, ERROR_SIZE, "request.json#/stimuli: expected a non-empty array");
        return -1;
    }
    if (!json_is_array(regions) || !json_is_array(request->time_bins) || json_array_size(request->time_bins) == 0) {
        snprintf(error, ERROR_SIZE, "request.json#/record: expected arrays regions and time_bins (non-empty)");
        return -1;
    }
    request->n_stimuli = json_array_size(stimuli);
    request->n_regions = json_array_size(regions);
    request->n_bins = json_array_size(request->time_bins);
    request->stimulus_ids = calloc(request->n_stimuli, sizeof(char *));
    request->paths = calloc(request->n_stimuli, sizeof(char *));
    request->regions = calloc(request->n_regions + 1, sizeof(char *));
    if (!request->stimulus_ids || !request->paths || !request->regions) {
        snprintf(error, ERROR_SIZE, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < request->n_stimuli; i++) {
        char where[64];
        snprintf(where, sizeof where, "/stimuli/%zu", i);
        json_t *stimulus = json_array_get(stimuli, i);
        if (!(request->stimulus_ids[i] = string_at(stimulus, "stimulus_id", where, error))
            || !(request->paths[i] = string_at(stimulus, "path", where, error)))
            return -1;
    }
    for (size_t r = 0; r < request->n_regions; r++) {
        json_t *region = json_array_get(regions, r);
        if (!json_is_string(region)) {
            snprintf(error, ERROR_SIZE, "request.json#/record/regions/%zu: expected a string", r);
            return -1;
        }
        request->regions[r] = json_string_value(region);
    }
    return 0;
}

void request_free(request_t *request)
{
    free(request->stimulus_ids);
    free(request->paths);
    free(request->regions);
    json_decref(request->root);
}
