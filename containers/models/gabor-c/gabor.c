/* The filter bank: quadrature Gabor pairs (S1) -> local energy, then pooled views of it (C1 and coarser). */
#include <math.h>
#include <string.h>

#include "model.h"

#define PI 3.14159265358979323846

static const float WAVELENGTHS[SCALES] = {4.0f, 7.0f};
#define MAX_HALF 8

/* Pooled layers, finest to coarsest; the block is the pooling window in pixels of the SIDE x SIDE field. */
const layer_t LAYERS[LAYER_COUNT] = {
    {"V1", "c1-4px", 4, 1},
    {"V2", "c1-8px", 8, 1},
    {"V4", "c1-16px", 16, 1},
    {"IT", "c1-32px-mean", 32, 0},
};

static float even[CHANNELS][2 * MAX_HALF + 1][2 * MAX_HALF + 1];
static float odd[CHANNELS][2 * MAX_HALF + 1][2 * MAX_HALF + 1];
static int half[CHANNELS];

size_t layer_neuroids(const layer_t *layer)
{
    size_t grid = SIDE / layer->block;
    return (size_t)CHANNELS * grid * grid;
}

/* Zero-mean, unit-norm kernel: responses ignore mean luminance and are comparable across scales. */
static void normalise(float kernel[2 * MAX_HALF + 1][2 * MAX_HALF + 1], int h)
{
    double sum = 0, squares = 0;
    int n = (2 * h + 1) * (2 * h + 1);
    for (int y = -h; y <= h; y++)
        for (int x = -h; x <= h; x++)
            sum += kernel[y + h][x + h];
    for (int y = -h; y <= h; y++)
        for (int x = -h; x <= h; x++) {
            kernel[y + h][x + h] -= (float)(sum / n);
            squares += kernel[y + h][x + h] * kernel[y + h][x + h];
        }
    float norm = (float)sqrt(squares);
    for (int y = -h; y <= h; y++)
        for (int x = -h; x <= h; x++)
            kernel[y + h][x + h] /= norm;
}

void gabor_init(void)
{
    for (int s = 0; s < SCALES; s++) {
        float lambda = WAVELENGTHS[s], sigma = 0.4f * lambda, gamma = 0.5f;
        int h = (int)ceilf(2.5f * sigma);
        for (int o = 0; o < ORIENTATIONS; o++) {
            int c = s * ORIENTATIONS + o;
            double theta = PI * o / ORIENTATIONS;
            half[c] = h;
            memset(even[c], 0, sizeof even[c]);
            memset(odd[c], 0, sizeof odd[c]);
            for (int y = -h; y <= h; y++)
                for (int x = -h; x <= h; x++) {
                    double u = x * cos(theta) + y * sin(theta), v = -x * sin(theta) + y * cos(theta);
                    double envelope = exp(-(u * u + gamma * gamma * v * v) / (2 * sigma * sigma));
                    even[c][y + h][x + h] = (float)(envelope * cos(2 * PI * u / lambda));
                    odd[c][y + h][x + h] = (float)(envelope * sin(2 * PI * u / lambda));
                }
            normalise(even[c], h);
            normalise(odd[c], h);
        }
    }
}

void gabor_energy(const float *pixels, float *energy)
{
    float centred[SIDE * SIDE];
    double mean = 0;
    for (int i = 0; i < SIDE * SIDE; i++)
        mean += pixels[i];
    mean /= SIDE * SIDE;
    for (int i = 0; i < SIDE * SIDE; i++)
        centred[i] = pixels[i] - (float)mean;  /* zero padding then means "mean grey" beyond the border */
    for (int c = 0; c < CHANNELS; c++) {
        int h = half[c];
        for (int row = 0; row < SIDE; row++)
            for (int col = 0; col < SIDE; col++) {
                float re = 0, im = 0;
                for (int y = -h; y <= h; y++) {
                    int r = row + y;
                    if (r < 0 || r >= SIDE)
                        continue;
                    for (int x = -h; x <= h; x++) {
                        int q = col + x;
                        if (q < 0 || q >= SIDE)
                            continue;
                        float p = centred[r * SIDE + q];
                        re += p * even[c][y + h][x + h];
                        im += p * odd[c][y + h][x + h];
                    }
                }
                energy[(c * SIDE + row) * SIDE + col] = sqrtf(re * re + im * im);
            }
    }
}

/* out: CHANNELS x grid x grid, channel-major (neuroid k = (channel * grid + row) * grid + col). */
void layer_pool(const layer_t *layer, const float *energy, float *out)
{
    int block = layer->block, grid = SIDE / block;
    for (int c = 0; c < CHANNELS; c++)
        for (int gy = 0; gy < grid; gy++)
            for (int gx = 0; gx < grid; gx++) {
                float best = 0, sum = 0;
                for (int y = gy * block; y < (gy + 1) * block; y++)
                    for (int x = gx * block; x < (gx + 1) * block; x++) {
                        float e = energy[(c * SIDE + y) * SIDE + x];
                        best = e > best ? e : best;
                        sum += e;
                    }
                out[(c * grid + gy) * grid + gx] = layer->use_max ? best : sum / (block * block);
            }
}
