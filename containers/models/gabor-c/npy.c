/* Write float32 arrays in NumPy's .npy format (version 1.0): magic, header dict, raw little-endian values. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "model.h"

int npy_write_f32(const char *path, const float *data, size_t d0, size_t d1, size_t d2, char *error)
{
    const uint16_t probe = 1;
    if (*(const uint8_t *)&probe != 1) {
        snprintf(error, ERROR_SIZE, "this writer assumes a little-endian machine");
        return -1;
    }
    char header[256];
    int length = snprintf(header, sizeof header, "{'descr': '<f4', 'fortran_order': False, 'shape': (%zu, %zu, %zu), }", d0, d1, d2);
    /* magic (6) + version (2) + header length (2) + header, padded with spaces to a multiple of 64, ending in \n */
    size_t total = 10 + (size_t)length + 1;
    size_t padding = (64 - total % 64) % 64;
    memset(header + length, ' ', padding);
    length += (int)padding;
    header[length++] = '\n';
    FILE *file = fopen(path, "wb");
    if (!file) {
        snprintf(error, ERROR_SIZE, "cannot write %.300s", path);
        return -1;
    }
    const uint8_t magic[8] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    const uint8_t header_length[2] = {(uint8_t)(length & 0xff), (uint8_t)(length >> 8)};
    size_t count = d0 * d1 * d2;
    int ok = fwrite(magic, 1, 8, file) == 8 && fwrite(header_length, 1, 2, file) == 2
             && fwrite(header, 1, (size_t)length, file) == (size_t)length && fwrite(data, sizeof(float), count, file) == count;
    ok = (fclose(file) == 0) && ok;
    if (!ok)
        snprintf(error, ERROR_SIZE, "writing %.300s failed (disk full?)", path);
    return ok ? 0 : -1;
}
