namespace Telematics.Features.Ingest;

/// <summary>The outcome of one <see cref="SampleReader.ReadAsync"/> call.</summary>
/// <param name="Count">Number of samples written into the destination buffer by this call.</param>
/// <param name="IsCompleted">
/// <see langword="true"/> when the input is exhausted: this chunk is the last one and further reads return no samples.
/// </param>
public readonly record struct ReadChunkResult(int Count, bool IsCompleted);
