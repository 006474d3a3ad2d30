/// Decides, page by page, whether a paginated panel listing goes on. Pure, so every stop rule is tested alone.
///
/// The panel's Fractal envelope reports `meta.pagination.current_page` and `total_pages`
/// (https://github.com/pterodactyl/panel: `app/Transformers/Api/...` via Fractal's `IlluminatePaginatorAdapter`).
/// A listing must end even when something between the bot and the panel breaks that contract: a proxy that
/// ignores `?page` (every answer is page 1 again) or an envelope without `total_pages`.
struct PageWalk: Sendable, Equatable {
    /// Why a listing stopped before the panel said it was complete.
    enum Stop: Sendable, Equatable, CustomStringConvertible {
        /// The answer was not the page asked for (a proxy or cache that ignores `?page`).
        case pageDidNotAdvance(requested: Int, answered: Int)
        /// The listing reached the page bound without ending.
        case pageLimit(Int)

        /// A secret-free description for the warning.
        var description: String {
            switch self {
            case .pageDidNotAdvance(let requested, let answered):
                "asked for page \(requested) and got page \(answered) again; something between the bot and the panel "
                    + "(a proxy or cache) ignores the ?page parameter, so only the first pages were read"
            case .pageLimit(let limit):
                "stopped after \(limit) pages; the listing did not end"
            }
        }
    }

    /// What to do with the page just received.
    enum Step: Sendable, Equatable {
        /// Keep its items and fetch this page next.
        case next(page: Int)
        /// Keep its items; the listing is complete.
        case done
        /// Keep its items (unless ``Stop/pageDidNotAdvance(requested:answered:)``: they repeat an earlier page)
        /// and stop, with one warning.
        case stop(Stop)
    }

    /// The most pages one listing fetches (100 per page: 100,000 servers).
    let maxPages: Int
    /// The items per page asked for.
    let perPage: Int
    /// The page to ask for next.
    private(set) var page = 1

    init(perPage: Int, maxPages: Int = 1_000) {
        self.perPage = perPage
        self.maxPages = maxPages
    }

    /// Decides after the answer to ``page``.
    /// - Parameters:
    ///   - currentPage: `meta.pagination.current_page`, if present.
    ///   - totalPages: `meta.pagination.total_pages`, if present.
    ///   - itemCount: items in the answer's `data`.
    /// - Returns: next, done or stop.
    mutating func received(currentPage: Int?, totalPages: Int?, itemCount: Int) -> Step {
        if let currentPage, currentPage != page {
            return .stop(.pageDidNotAdvance(requested: page, answered: currentPage))
        }
        if itemCount == 0 { return .done }
        let more: Bool
        if let totalPages {
            more = page < totalPages
        } else {
            // Without `total_pages`, a full page may have a successor; a short one is the last. Going on is safe
            // only while `current_page` proves the answers advance.
            more = currentPage != nil && itemCount >= perPage
        }
        guard more else { return .done }
        guard page < maxPages else { return .stop(.pageLimit(maxPages)) }
        page += 1
        return .next(page: page)
    }
}
