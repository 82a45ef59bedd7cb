/* Read a PNG with libpng's simplified API and resample it bilinearly to SIDE x SIDE grey values in [0, 1]. */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

static float sample(const png_byte *grey, int width, int height, float x, float y)
{
    if (x < 0) x = 0;
    if (y < 0) y = 0;
    if (x > width - 1) x = (float)(width - 1);
    if (y > height - 1) y = (float)(height - 1);
    int x0 = (int)x, y0 = (int)y;
    int x1 = x0 + 1 < width ? x0 + 1 : x0, y1 = y0 + 1 < height ? y0 + 1 : y0;
    float fx = x - x0, fy = y - y0;
    float top = grey[y0 * width + x0] * (1 - fx) + grey[y0 * width + x1] * fx;
    float bottom = grey[y1 * width + x0] * (1 - fx) + grey[y1 * width + x1] * fx;
    return (top * (1 - fy) + bottom * fy) / 255.0f;
}

int image_read_grey(const char *path, float *pixels, char *error)
{
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&image, path)) {
        snprintf(error, ERROR_SIZE, "%.300s: not a readable PNG (%.150s)", path, image.message);
        return -1;
    }
    image.format = PNG_FORMAT_GRAY;
    png_bytep grey = malloc(PNG_IMAGE_SIZE(image));
    png_color background = {128, 128, 128};
    if (!grey || !png_image_finish_read(&image, &background, grey, 0, NULL)) {
        snprintf(error, ERROR_SIZE, "%.300s: cannot decode PNG (%.150s)", path, grey ? image.message : "out of memory");
        free(grey);
        png_image_free(&image);
        return -1;
    }
    int width = (int)image.width, height = (int)image.height;
    for (int row = 0; row < SIDE; row++)
        for (int col = 0; col < SIDE; col++)
            pixels[row * SIDE + col] = sample(grey, width, height, (col + 0.5f) * width / SIDE - 0.5f, (row + 0.5f) * height / SIDE - 0.5f);
    free(grey);
    return 0;
}
