namespace Telematics.Training.Modeling;

/// <summary>Progress of a training stage.</summary>
/// <param name="Stage">What is running, for example <c>fold 2/5: trees-telematics</c>.</param>
/// <param name="Done">Steps done.</param>
/// <param name="Total">Steps in all.</param>
public readonly record struct TrainingProgress(string Stage, int Done, int Total);
