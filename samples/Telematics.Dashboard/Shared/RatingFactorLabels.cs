namespace Telematics.Dashboard.Shared;

/// <summary>Readable labels of the classical rating factors' wire codes (the codes the API and the pricing plans use).</summary>
public static class RatingFactorLabels
{
    /// <summary>The age band codes, youngest first.</summary>
    public static IReadOnlyList<string> AgeBands { get; } = ["under25", "25_39", "40_64", "over65"];

    /// <summary>The vehicle class codes.</summary>
    public static IReadOnlyList<string> VehicleClasses { get; } = ["small", "family", "suv", "performance"];

    /// <summary>An age band code as a reader says it: <c>25_39</c> → "aged 25–39"; null → not on record. An unknown code is shown as given.</summary>
    public static string AgeBand(string? code) => code switch
    {
        null => "age band not on record",
        "under25" => "aged under 25",
        "over65" => "aged 65 and over",
        _ when code.Length == 5 && code[2] == '_' => $"aged {code[..2]}–{code[3..]}",
        _ => "age band " + code,
    };

    /// <summary>A vehicle class code as a reader says it: <c>suv</c> → "SUV"; null → not on record. An unknown code is shown as given.</summary>
    public static string VehicleClass(string? code) => code switch
    {
        null => "vehicle class not on record",
        "small" => "small car",
        "family" => "family car",
        "suv" => "SUV",
        "performance" => "performance car",
        _ => "vehicle class " + code,
    };
}
