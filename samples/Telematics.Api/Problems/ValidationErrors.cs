using Microsoft.AspNetCore.Http.HttpResults;

namespace Telematics.Api.Problems;

/// <summary>Collects field errors of a request and turns them into a validation problem (400, type validation).</summary>
/// <remarks>Field names are the JSON property names the client sent (camelCase), so a client can point at the field.</remarks>
internal sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    /// <summary>True when no error was added.</summary>
    public bool IsEmpty => _errors.Count == 0;

    /// <summary>Records that <paramref name="field"/> is invalid, and why.</summary>
    public ValidationErrors Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            messages = [];
            _errors.Add(field, messages);
        }

        messages.Add(message);
        return this;
    }

    /// <summary>The 400 response naming every invalid field.</summary>
    public ValidationProblem ToProblem() =>
        TypedResults.ValidationProblem(
            _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal),
            detail: "One or more fields are invalid; see errors.",
            title: "The request is invalid.",
            type: ProblemTypes.Validation);
}
