package marsad.analysis;

import org.elasticsearch.plugin.settings.AnalysisSettings;
import org.elasticsearch.plugin.settings.BooleanSetting;
import org.elasticsearch.plugin.settings.StringSetting;

/** The settings keys of Elasticsearch's built-in pattern_replace token filter. */
@AnalysisSettings
public interface PatternReplaceSettings {

    @StringSetting(path = "pattern", defaultValue = "")
    String pattern();

    @StringSetting(path = "replacement", defaultValue = "")
    String replacement();

    @BooleanSetting(path = "all", defaultValue = true)
    boolean all();
}
