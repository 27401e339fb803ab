using Microsoft.JSInterop;

namespace EtlWeb.Features.Layout;

/// <summary>Releases a component's JavaScript objects when its browser may already have left.</summary>
public static class BrowserRelease
{
    /// <summary>
    /// Runs <paramref name="release"/> (the calls that dispose a module or a handle). Once the tab has closed, or the
    /// circuit is torn down while a call waits (its pending calls are cancelled), the browser has nothing left to
    /// release, so neither case is an error.
    /// </summary>
    public static async ValueTask QuietlyAsync(Func<ValueTask> release)
    {
        try
        {
            await release();
        }
        catch (Exception e) when (e is JSDisconnectedException or OperationCanceledException)
        {
            // The browser went first and took the objects with it.
        }
    }
}
