package marsad.analysis;

import java.util.List;
import org.elasticsearch.plugin.settings.AnalysisSettings;
import org.elasticsearch.plugin.settings.BooleanSetting;
import org.elasticsearch.plugin.settings.ListSetting;

/** The settings keys of Elasticsearch's built-in keyword_marker filter (an inline word list). */
@AnalysisSettings
public interface KeywordMarkerSettings {

    @ListSetting(path = "keywords")
    List<String> keywords();

    @BooleanSetting(path = "ignore_case", defaultValue = false)
    boolean ignoreCase();
}
